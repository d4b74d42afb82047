// Top-level await (tests/modules.rs): a module that awaits holds back
// only the modules that import it; a sibling that does not runs first.
import { log } from "./tla/log.js";
import { config } from "./tla/config.js";
import { ready } from "./tla/sibling.js";
log(`main: ${config.name} ${ready}`);
for await (const x of [Promise.resolve("a"), "b"]) log(`main: ${x}`);
console.log(log.lines.join("\n"));
