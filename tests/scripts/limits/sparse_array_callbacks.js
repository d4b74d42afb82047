// budget: 10000000
// forEach over an array of length 10^9 with one element steps over every
// missing index, as the specification has it; each step is charged, so the
// walk stops at the budget instead of holding the core.
const a = [];
a[1e9] = 1;
let calls = 0;
[, 1, , 2].forEach(() => calls++);
console.log(calls, [, , 3].reduce((x, y) => x + y));
a.forEach(() => calls++);
console.log("never printed");
// expect: 2 3
// expect runtime error: RangeError: instruction budget exhausted (the budget is 10000000 instructions)
