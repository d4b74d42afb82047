import { count } from "../lib/counter.js";
count = 2;
