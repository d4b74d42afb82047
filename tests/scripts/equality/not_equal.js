
console.log(1 != "1", 1 !== "1", null != undefined, null !== undefined, NaN != NaN);

// expect: false true false true true
