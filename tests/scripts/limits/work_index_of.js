// budget: 1000000
// Searching 100,000 elements 100 times.
const a = [];
for (let i = 0; i < 100000; i++) a.push(i);
let n = 0;
for (let k = 0; k < 50; k++) n += a.indexOf(-1) + (a.includes(-1) ? 1 : 0);
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
