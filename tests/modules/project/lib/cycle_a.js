import { pong } from "./cycle_b.js";
export function ping(n) {
  return n === 0 ? "done" : pong(n - 1);
}
