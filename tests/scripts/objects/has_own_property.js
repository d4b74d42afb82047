const o = { a: 1 };
console.log(o.hasOwnProperty("a"), o.hasOwnProperty("toString"), Object.hasOwn(o, "a"));

// expect: true false true
