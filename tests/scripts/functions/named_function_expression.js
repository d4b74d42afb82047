const fact = function me(n) { return n <= 1 ? 1 : n * me(n - 1); };
console.log(fact(5));

// expect: 120
