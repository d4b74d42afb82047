"use strict";
// Arrays and strings iterate through the protocol's objects, which a
// script can see and replace.
const a = ["x", "y"];
console.log([...a.keys()], [...a.entries()].map((e) => e.join("=")), [...a.values()]);
console.log(a[Symbol.iterator] === a.values, Object.prototype.toString.call(a.values()));
const it = a.values();
console.log(it.next(), it.next(), it.next());
// An array that grows while iterated gives its new elements.
const grow = [1];
for (const v of grow) if (v < 3) grow.push(v + 1);
console.log(grow);
// Array-likes.
console.log([...Array.prototype.values.call({ length: 2, 0: "a", 1: "b" })]);
// Strings by code point.
console.log([..."a😀b"], Object.prototype.toString.call(""[Symbol.iterator]()));
// Iterators are iterable and share %IteratorPrototype%.
const ip = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
const gen = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})()));
console.log(Object.getPrototypeOf(gen) === ip, it[Symbol.iterator]() === it);
// Replacing Array.prototype[Symbol.iterator] changes spread, for…of and
// destructuring (a subclass's default constructor does not iterate, as
// test262's default-constructor-spread-override.js checks; node 20 does).
const saved = Array.prototype[Symbol.iterator];
Array.prototype[Symbol.iterator] = function* () {
  yield "replaced";
};
const [first] = [1, 2];
const seen = [];
for (const v of [7]) seen.push(v);
console.log(first, [...[1, 2]], seen);
Array.prototype[Symbol.iterator] = saved;
console.log([...[1, 2]]);
// Replacing the iterators' next.
const proto = Object.getPrototypeOf([][Symbol.iterator]());
const next = proto.next;
proto.next = function () {
  return { done: true };
};
console.log([...[1, 2, 3]].length);
proto.next = next;
console.log([...[1, 2, 3]].length);

// expect: [ 0, 1 ] [ '0=x', '1=y' ] [ 'x', 'y' ]
// expect: true [object Array Iterator]
// expect: { value: 'x', done: false } { value: 'y', done: false } { value: undefined, done: true }
// expect: [ 1, 2, 3 ]
// expect: [ 'a', 'b' ]
// expect: [ 'a', '😀', 'b' ] [object String Iterator]
// expect: true true
// expect: replaced [ 'replaced' ] [ 'replaced' ]
// expect: [ 1, 2 ]
// expect: 0
// expect: 3
