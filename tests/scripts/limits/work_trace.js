// budget: 1000000
// Each error captures a 500-frame stack trace: 100 of them are 50,000 frames.
function deep(d) {
  if (d < 500) return deep(d + 1);
  for (let i = 0; i < 100; i++) {
    try { throw new Error("x"); } catch (e) {}
  }
}
deep(0);
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
