import { log } from "../tla/log.js";
log("later: runs when first imported");
export const greeting = "hello";
