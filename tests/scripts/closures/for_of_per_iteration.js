const fs = [];
for (const x of ["a", "b"]) fs.push(() => x);
for (const k in { p: 1, q: 2 }) fs.push(() => k);
console.log(fs.map(f => f()));

// expect: [ 'a', 'b', 'p', 'q' ]
