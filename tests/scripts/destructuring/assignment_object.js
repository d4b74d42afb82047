let a, b;
({ a, b = 9 } = { a: 1 });
console.log(a, b);

// expect: 1 9
