"use strict";
// `call`, `apply` and bound functions forward to the function they stand
// for, which runs on the VM's own frames: it may wait.
function add(a, b) { sleep(1); return this.base + a + b; }
console.log(add.call({ base: 1 }, 2, 3), add.apply({ base: 10 }, [1, 1]));
const bound = add.bind({ base: 100 }, 5);
console.log(bound(6), bound.name, bound.length);
function viaArguments() { return add.apply({ base: 0 }, arguments); }
console.log(viaArguments(7, 8));
function all() { return [this, ...arguments]; }
console.log(all.call(), all.call(1), all.call(1, 2, 3), all.apply(), all.apply(null, { length: 2, 0: "a", 1: "b" }));
const twice = all.bind(1, 2).bind(3, 4);
console.log(twice(5), twice.name);
try { all.apply(null, 5); } catch (e) { console.log(e.constructor.name); }
console.log([1, 2, 3].map(add.bind({ base: 0 }, 10)));
console.log(Math.max.apply(null, [1, 5, 3]), String.prototype.toUpperCase.call("abc"));
// A memoizing wrapper, as libraries write them, around a function that waits.
function memoize(fn) {
  const seen = {};
  return function (key) {
    if (!(key in seen)) seen[key] = fn.apply(this, arguments);
    return seen[key];
  };
}
let calls = 0;
const slowSquare = memoize((n) => { calls++; sleep(1); return n * n; });
console.log(slowSquare(4), slowSquare(4), slowSquare(5), calls);

// expect: 6 12
// expect: 111 bound add 1
// expect: 15
// expect: [ undefined ] [ 1 ] [ 1, 2, 3 ] [ undefined ] [ null, 'a', 'b' ]
// expect: [ 1, 2, 4, 5 ] bound bound all
// expect: TypeError
// expect: [ 11, 12, 13 ]
// expect: 5 ABC
// expect: 16 16 25 2
