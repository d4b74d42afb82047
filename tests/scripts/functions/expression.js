const mul = function (a, b) { return a * b; };
console.log(mul(3, 4), mul.name);

// expect: 12 mul
