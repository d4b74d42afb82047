// budget: 1000000
// Ten sorts of 20,000 elements: n log n each.
const a = [];
for (let i = 0; i < 20000; i++) a.push((i * 7919) % 20011);
for (let k = 0; k < 10; k++) a.sort();
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
