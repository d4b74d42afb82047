// budget: 10000000
// Deleting a property moves the ones added after it down a place; on an
// object with many, that work is charged, so deleting 50,000 keys from the
// front (50,000 × 25,000 moves) stops at the budget instead of holding
// the core. Deleting from the back costs little and completes.
const big = {};
for (let i = 0; i < 50000; i++) big["k" + i] = i;
for (let i = 49999; i >= 25000; i--) delete big["k" + i];
console.log(Object.keys(big).length, big.k24999, big.k25000);
for (let i = 0; i < 25000; i++) delete big["k" + i];
console.log("never printed");
// expect: 25000 24999 undefined
// expect runtime error: RangeError: instruction budget exhausted (the budget is 10000000 instructions)
