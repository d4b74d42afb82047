const v = { a: 1, b: "two", c: { a: 3, d: 4 } };
console.log(JSON.stringify(v, ["a", "c"]));
console.log(JSON.stringify(v, (k, val) => (typeof val === "number" ? val * 10 : val)));
console.log(JSON.stringify([1, 2], (k, val) => (k === "0" ? undefined : val)));

// expect: {"a":1,"c":{"a":3}}
// expect: {"a":10,"b":"two","c":{"a":30,"d":40}}
// expect: [null,2]
