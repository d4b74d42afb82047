
for (const v of [0, 1, "", "0", null, undefined, NaN, [], {}, -0]) console.log(v ? "T" : "F");

// expect: F
// expect: T
// expect: F
// expect: T
// expect: F
// expect: F
// expect: F
// expect: T
// expect: T
// expect: F
