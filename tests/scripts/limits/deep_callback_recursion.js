function f(n) { return [n].map(x => f(x + 1))[0]; }
try { f(0); } catch (e) { console.log(e.message); }
// expect: maximum call stack size exceeded
