// budget: 100000
let i = 0;
while (true) { i++; }
// expect runtime error: RangeError: instruction budget exhausted (the budget is 100000 instructions)
