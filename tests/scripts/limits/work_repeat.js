// budget: 1000000
// Fifty 300 KB strings.
let n = 0;
for (let k = 0; k < 50; k++) n += "abc".repeat(100000).length;
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
