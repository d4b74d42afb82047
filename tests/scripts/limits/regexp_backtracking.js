// budget: 10000000
// A pattern that backtracks catastrophically (2^30 ways to split thirty
// `a`s before failing at the `b`) spends the instruction budget like a loop
// that never ends: the run stops, `catch` cannot hold it, no core is held.
const evil = /(a+)+$/;
const input = "a".repeat(30) + "b";
try {
  evil.test(input);
} catch (e) {
  console.log("caught", e.name);
}
console.log("never printed");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 10000000 instructions)
