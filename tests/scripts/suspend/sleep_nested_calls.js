function inner(x) { sleep(1); return x * 2; }
function outer(x) { const a = inner(x); sleep(0); return a + inner(a); }
console.log(outer(5));
// expect: 30
