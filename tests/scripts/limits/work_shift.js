// budget: 1000000
// 3,000 shifts move 4.5 million elements.
const a = [];
for (let i = 0; i < 3000; i++) a.push(i);
while (a.length) a.shift();
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
