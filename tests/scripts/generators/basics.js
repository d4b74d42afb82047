"use strict";
// Generators: next/return/throw, yield*, generator methods, the iterator
// protocol in for…of and spread (user iterators too), early exit, new.
function* count(n) { for (let i = 0; i < n; i++) { const got = yield i; if (got) console.log("got", got); } return "end"; }
const g = count(3);
console.log(g.next(), g.next("hello"), g.next(), g.next(), g.next());
console.log([...count(4)], Array.from ? "has from" : "");
for (const x of count(2)) console.log("for", x);
function* inner() { yield 1; yield 2; }
function* outer() { yield 0; yield* inner(); yield* [3, 4]; yield 5; }
console.log([...outer()]);
class Tree {
  constructor(items) { this.items = items; }
  *[Symbol.iterator]() { for (const i of this.items) yield i * 10; }
}
console.log([...new Tree([1, 2, 3])]);
const obj = { *gen() { yield "a"; yield "b"; } };
console.log([...obj.gen()]);
function* fails() { try { yield 1; yield 2; } catch (e) { yield "caught " + e; } }
const f = fails();
console.log(f.next(), f.throw("boom"), f.next());
const r = count(5); r.next();
console.log(r.return(42), r.next());
console.log(Object.prototype.toString.call(count(1)), typeof count(1).next);
function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
const out = []; for (const x of fib()) { if (x > 50) break; out.push(x); }
console.log(out.join(","));
try { new count(1); } catch (e) { console.log(e.constructor.name); }
const it = { from: 1, to: 3, [Symbol.iterator]() { let c = this.from, t = this.to; return { next: () => c <= t ? { value: c++, done: false } : { value: undefined, done: true } }; } };
console.log([...it], Math.max(...it));

// expect: got hello
// expect: { value: 0, done: false } { value: 1, done: false } { value: 2, done: false } { value: 'end', done: true } { value: undefined, done: true }
// expect: [ 0, 1, 2, 3 ] has from
// expect: for 0
// expect: for 1
// expect: [ 0, 1, 2, 3, 4, 5 ]
// expect: [ 10, 20, 30 ]
// expect: [ 'a', 'b' ]
// expect: { value: 1, done: false } { value: 'caught boom', done: false } { value: undefined, done: true }
// expect: { value: 42, done: true } { value: undefined, done: true }
// expect: [object Generator] function
// expect: 0,1,1,2,3,5,8,13,21,34
// expect: TypeError
// expect: [ 1, 2, 3 ] 3
