"use strict";
// The unmapped arguments object of strict code: indices, length, arrows
// seeing their function's, a callee that throws, array methods over it.
function f(a) { return arguments.length + ":" + arguments[0] + ":" + arguments[2]; }
console.log(f(1, 2, 3), f(), f(1));
function g() { const inner = () => arguments[0]; return inner(); }
console.log(g("outer"));
function h(a, ...rest) { return [arguments.length, rest.length, Array.prototype.slice.call(arguments, 1)]; }
console.log(h(1, 2, 3));
function k() { return arguments; }
console.log(k(1, "x"), Object.prototype.toString.call(k()), Array.isArray(k()));
try { k().callee; } catch (e) { console.log(e.constructor.name); }
function m(a) { arguments[0] = 9; return a; }
console.log(m(1), JSON.stringify(k(1,2)), Object.keys(k(3,4)));
function sum() { let t = 0; for (let i = 0; i < arguments.length; i++) t += arguments[i]; return t; }
console.log(sum(1,2,3,4));

// expect: 3:1:3 0:undefined:undefined 1:1:undefined
// expect: outer
// expect: [ 3, 2, [ 2, 3 ] ]
// expect: [Arguments] { '0': 1, '1': 'x' } [object Arguments] false
// expect: TypeError
// expect: 1 {"0":1,"1":2} [ '0', '1' ]
// expect: 10
