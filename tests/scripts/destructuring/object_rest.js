const { a, ...rest } = { a: 1, b: 2, c: 3 };
console.log(a, rest);

// expect: 1 { b: 2, c: 3 }
