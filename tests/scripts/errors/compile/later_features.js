// Features of later issues are named where they are used, not reported as
// a puzzling "expected `;`" a few tokens on.
async function load() {}
await load();
// expect error: 4:1: `await` is only valid in async functions (not yet at a module's top level)
