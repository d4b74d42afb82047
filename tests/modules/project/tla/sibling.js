import { log } from "./log.js";
log("sibling: runs before config finishes");
export const ready = true;
