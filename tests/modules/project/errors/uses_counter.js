import { count, absent } from "../lib/counter.js";
export const nothing = count + absent;
