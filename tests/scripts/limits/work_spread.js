// budget: 1000000
// Spreading 10,000 elements is one instruction that copies them all.
const a = [];
for (let i = 0; i < 10000; i++) a.push(i);
let n = 0;
for (let k = 0; k < 100; k++) n += [...a].length;
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
