"use strict";
// Array destructuring reads any iterable, taking only the values it needs
// (an endless generator is fine); non-iterables are a TypeError.
function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
const [x, y, z] = fib();
console.log(x, y, z);
const [first, ...others] = "hey";
console.log(first, others);
const [p, , q = 9] = (function* () { yield 1; yield 2; })();
console.log(p, q);
function f([a, b] = [1, 2]) { return a + b; }
console.log(f(), f([3, 4]));
try { const [u] = {}; } catch (e) { console.log(e.constructor.name); }
try { const [u] = undefined; } catch (e) { console.log(e.constructor.name); }

// expect: 0 1 1
// expect: h [ 'e', 'y' ]
// expect: 1 9
// expect: 3 7
// expect: TypeError
// expect: TypeError
