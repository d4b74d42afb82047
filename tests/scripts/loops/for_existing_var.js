let i;
for (i = 0; i < 3; i++) {}
console.log(i);
let k;
for (k of ["p", "q"]) {}
console.log(k);

// expect: 3
// expect: q
