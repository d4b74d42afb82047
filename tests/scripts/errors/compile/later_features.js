// A construct that is not valid here is named where it is used, not
// reported as a puzzling "expected `;`" a few tokens on.
async function load() {}
function handler() {
  await load();
}
// expect error: 5:3: `await` is only valid in async functions and at a module's top level
