// Every import form, a cycle, JSON, re-exports and two packages.
import defaultFn, { count, bump, later as readLater } from "./lib/counter.js";
import * as counter from "./lib/counter.js";
import { total, everything } from "./lib/reexports.js";
import config from "./lib/config.json" with { type: "json" };
import plain from "./lib/config.json";
import { greet } from "greeter";
import legacy from "legacy";
import { ping } from "./lib/cycle_a.js";
import { early } from "./lib/cycle_b.js";

console.log(count, counter.count, defaultFn.name, defaultFn());
bump();
console.log(count, counter.count, readLater());
console.log(Object.keys(counter).join(","), counter[Symbol.toStringTag]);
console.log(total, Object.keys(everything).join(","));
console.log(config.name, config.list.length, plain === config);
console.log(greet("kit"), legacy.shout("hi"), legacy.version, legacy.dir.endsWith("legacy"));
console.log(ping(3), early);
console.log(import.meta.url.startsWith("file:///"), import.meta.url.endsWith("/tests/modules/project/main.js"));
try {
  counter.count = 5;
} catch (e) {
  console.log(e.constructor.name);
}
