const keys = ["a", "b", "c"], vals = [1, 2, 3];
console.log(Object.fromEntries(keys.map((k, i) => [k, vals[i]])), keys.map((k, i) => k + vals[i]).join());

// expect: { a: 1, b: 2, c: 3 } a1,b2,c3
