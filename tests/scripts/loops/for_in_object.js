const o = { a: 1, b: 2 };
for (const k in o) console.log(k, o[k]);
for (const i in ["x", "y"]) console.log(typeof i, i);

// expect: a 1
// expect: b 2
// expect: string 0
// expect: string 1
