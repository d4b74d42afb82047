const a = "outer";
function f(a) { return a; }
console.log(f("param"), a);
for (const a of [1, 2]) console.log(a);
console.log(a);

// expect: param outer
// expect: 1
// expect: 2
// expect: outer
