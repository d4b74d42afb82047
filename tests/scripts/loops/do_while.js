let i = 0;
do { i++; } while (i < 5);
let j = 10;
do { j++; } while (j < 5);
console.log(i, j);

// expect: 5 11
