// budget: 1000000
// Inserting at the front with splice moves every element each time.
const a = [];
for (let i = 0; i < 3000; i++) a.splice(0, 0, i);
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
