let a = (1, 2, 3);
let i = 0, j = 0;
for (; i < 3; i++, j += 2) {}
console.log(a, i, j);

// expect: 3 3 6
