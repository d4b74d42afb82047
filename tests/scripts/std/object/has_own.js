const o = { a: undefined };
console.log(Object.hasOwn(o, "a"), Object.hasOwn(o, "b"), o.hasOwnProperty("a"), o.hasOwnProperty("hasOwnProperty"), Object.hasOwn([1], 0), Object.hasOwn([1], 1));

// expect: true false true false true false
