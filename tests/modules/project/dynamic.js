// import() (tests/modules.rs): the modules the string literals in the
// calls name are loaded with the files, and evaluated when first imported.
import { log } from "./tla/log.js";
log("main: start");
const later = import("./dynamic/later.js");
log("main: import() returned a promise");
const ns = await later;
log(`main: ${ns.greeting} ${Object.keys(ns).join(",")}`);
log(`main: same namespace ${ns === (await import("./dynamic/later.js"))}`);
const pick = (lang) =>
  import(lang === "fr" ? "./dynamic/fr.json" : "./dynamic/en.json", { with: { type: "json" } });
log(`main: ${(await pick("fr")).default.hello} ${(await pick("en")).default.hello}`);
try {
  await import("./dynamic/absent.js");
} catch (e) {
  log(`main: absent.js rejects`);
}
console.log(log.lines.join("\n"));
