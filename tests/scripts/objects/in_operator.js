const o = { a: undefined };
console.log("a" in o, "b" in o, "toString" in o, 0 in [1], 5 in [1], "length" in []);

// expect: true false true true false true
