// Features of later issues are named where they are used, not reported as
// a puzzling "expected `;`" a few tokens on.
async function load() {}
const h = async (x) => x;
const k = async x => x;
await load();
import x from "./x.js";
export const y = 1;
// expect error: 3:1: `async` functions are not supported yet
// expect error: 4:11: `async` functions are not supported yet
// expect error: 5:11: `async` functions are not supported yet
// expect error: 6:1: `await` is not supported yet
// expect error: 7:1: modules (`import` / `export`) are not supported yet: each file is a script of its own
// expect error: 8:1: modules (`import` / `export`) are not supported yet: each file is a script of its own
