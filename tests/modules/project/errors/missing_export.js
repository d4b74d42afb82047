import { nothing } from "./uses_counter.js";
console.log(nothing);
