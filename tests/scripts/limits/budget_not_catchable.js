// budget: 50000
try { for (;;) {} } catch (e) { console.log("caught?!"); }
// expect runtime error: RangeError: instruction budget exhausted (the budget is 50000 instructions)
