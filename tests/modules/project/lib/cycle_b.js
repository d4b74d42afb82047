import { ping } from "./cycle_a.js";
export function pong(n) {
  return ping(n);
}
// Runs before cycle_a's top level: its functions exist already.
export const early = ping(1);
