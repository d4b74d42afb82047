export { count as total } from "./counter.js";
export * as everything from "./counter.js";
export * from "./counter.js";
