const [a, b, c] = [1, 2];
console.log(a, b, c);

// expect: 1 2 undefined
