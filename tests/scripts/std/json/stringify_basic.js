console.log(JSON.stringify({ a: 1, b: "x", c: [true, null], d: { e: 1.5 } }));
console.log(JSON.stringify([1, "a", false]), JSON.stringify("s\"q"), JSON.stringify(42), JSON.stringify(null), JSON.stringify(true));

// expect: {"a":1,"b":"x","c":[true,null],"d":{"e":1.5}}
// expect: [1,"a",false] "s\"q" 42 null true
