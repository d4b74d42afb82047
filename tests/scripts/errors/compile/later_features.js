// Features of later issues are named where they are used, not reported as
// a puzzling "expected `;`" a few tokens on. Imports and exports parse;
// the first one says modules are not linked yet.
async function load() {}
await load();
import x from "./x.js";
export const y = 1;
// expect error: 5:1: `await` is only valid in async functions (a module's top level is the modules issue's)
// expect error: 6:1: modules (`import` / `export`) are not supported yet: each file is a script of its own
