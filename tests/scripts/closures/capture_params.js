function adder(n) { return x => x + n; }
const add5 = adder(5);
console.log(add5(1), adder(10)(1));

// expect: 6 11
