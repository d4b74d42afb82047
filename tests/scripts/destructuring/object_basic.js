const { a, b } = { a: 1, b: 2, c: 3 };
console.log(a, b);

// expect: 1 2
