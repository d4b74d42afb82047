// budget: 10000000
// An array of length 10^9 with one element: the methods that visit every
// index (as the specification has them) spend the instruction budget per
// index, so a scan of the whole length stops like an endless loop would.
const a = [];
a[1e9] = 1;
console.log(a.length, a.indexOf(1, 1e9), a.at(-1));
try {
  a.lastIndexOf(7);
} catch (e) {
  console.log("caught", e.name);
}
console.log("never printed");
// expect: 1000000001 1000000000 1
// expect runtime error: RangeError: instruction budget exhausted (the budget is 10000000 instructions)
