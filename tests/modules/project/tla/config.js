import { log } from "./log.js";
log("config: start");
Promise.resolve().then(() => log("config: a job queued before the await"));
export const config = await Promise.resolve({ name: "kit" });
log("config: after await");
