const e = new TypeError("x");
console.log(e instanceof TypeError, e instanceof Error, e instanceof RangeError, Object.keys(e));

// expect: true true false []
