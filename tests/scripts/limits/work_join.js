// budget: 1000000
// A thousand joins build 11 MB of strings.
const parts = [];
for (let i = 0; i < 1000; i++) parts.push("abcdefghij");
let n = 0;
for (let k = 0; k < 1000; k++) n += parts.join(",").length;
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
