// Script calls nest as deep as node's (10,000 frames of a small function);
// natives that call back (map) nest 2,000 deep; past either, a RangeError
// that a catch can handle, and the run goes on.
function f(n) { return n === 0 ? 0 : 1 + f(n - 1); }
console.log(f(10000));
const g = (n) => (n === 0 ? 0 : 1 + g(n - 1));
try { g(100000); } catch (e) { console.log(e instanceof RangeError); }
function m(n) { return n === 0 ? 0 : [n].map((x) => 1 + m(x - 1))[0]; }
console.log(m(1500));
try { m(5000); } catch (e) { console.log(e instanceof RangeError); }
console.log(f(5));
// expect: 10000
// expect: true
// expect: 1500
// expect: true
// expect: 5
