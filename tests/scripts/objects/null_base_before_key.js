// `base[key]` on null or undefined throws before the key is converted:
// the key's toString never runs.
const key = {
  toString() {
    console.log("toString ran");
    return "k";
  },
};
for (const [label, f] of [
  ["read", () => null[key]],
  ["write", () => { undefined[key] = 1; }],
  ["update", () => { let base = null; base[key]++; }],
  ["compound", () => { let base = null; base[key] += 1; }],
]) {
  try {
    f();
  } catch (e) {
    console.log(label, e.constructor.name);
  }
}
// The key expression itself is still evaluated first.
try {
  null[(console.log("key expression"), "x")];
} catch (e) {
  console.log(e.message);
}

// expect: read TypeError
// expect: write TypeError
// expect: update TypeError
// expect: compound TypeError
// expect: key expression
// expect: Cannot read properties of null (reading 'x')
