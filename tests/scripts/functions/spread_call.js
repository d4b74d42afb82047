function sum(a, b, c) { return a + b + c; }
const xs = [1, 2, 3];
console.log(sum(...xs), sum(0, ...[5, 5]), Math.max(...xs, 10));

// expect: 6 10 10
