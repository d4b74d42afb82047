console.log("a", 1, [2], { b: 3 }, null, undefined, true);
console.log();
console.log("");

// expect: a 1 [ 2 ] { b: 3 } null undefined true
// expect:
// expect:
