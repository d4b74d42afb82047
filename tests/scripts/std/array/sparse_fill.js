// budget: 10000000
// A sparse array filled and read element by element costs a property
// lookup per access (hashed), not a search of everything it holds: a
// hundred thousand of each fit a ten-million-instruction budget.
const a = [];
a[1e6] = 1;
for (let i = 0; i < 50000; i++) a[i] = i;
let s = 0;
for (let i = 0; i < 50000; i++) s += a[i];
console.log(a.length, s, Object.keys(a).length, a[49999], a.at(-1));

// expect: 1000001 1249975000 50001 49999 1
