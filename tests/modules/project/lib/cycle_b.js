import { ping } from "./cycle_a.js";
export function pong(n) {
  return ping(n);
}
