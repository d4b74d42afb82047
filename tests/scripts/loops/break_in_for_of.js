
for (const x of [1, 2, 3, 4]) { if (x === 3) break; console.log(x); }

// expect: 1
// expect: 2
