// budget: 1000000
// 3,000 unshifts move 4.5 million elements: charged, though the loop runs 30,000 instructions.
const a = [];
for (let i = 0; i < 3000; i++) a.unshift(i);
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
