"use strict";
// `yield*` forwards next/throw/return; return() at a yield runs the
// finally blocks and closes for-of iterators on the way out.
const log = [];
function* inner() { try { yield 1; yield 2; } finally { log.push("inner finally"); } return "r"; }
function* outer() { try { const r = yield* inner(); log.push("got " + r); yield 3; } finally { log.push("outer finally"); } }
let g = outer();
console.log(g.next(), g.next(), g.return(9), g.next(), log);
g = outer(); log.length = 0;
console.log([...g], log);
function* gt() { try { yield 1; } catch (e) { console.log("caught", e); yield 2; } }
function* d() { return yield* gt(); }
g = d(); console.log(g.next(), g.throw("boom"), g.next());
// for-of closes on return() at a yield
const it = { i: 0, [Symbol.iterator]() { return this; }, next() { return { value: this.i++, done: false }; }, return() { console.log("closed"); return {}; } };
function* f() { for (const x of it) yield x; }
g = f(); console.log(g.next(), g.return(5));
function* fin() { try { yield 1; } finally { yield "cleanup"; } }
g = fin(); console.log(g.next(), g.return(7), g.next(), g.next());
// next args forwarded
function* echo() { let x = yield "first"; while (true) x = yield "got " + x; }
function* wrap() { yield* echo(); }
g = wrap(); console.log(g.next("a").value, g.next("b").value, g.next("c").value);
// no throw method
const noThrow = { [Symbol.iterator]() { return this; }, next() { return { value: 1, done: false }; }, return() { console.log("closed noThrow"); return {}; } };
function* nt() { yield* noThrow; }
g = nt(); g.next(); try { g.throw(new Error("x")); } catch (e) { console.log(e.constructor.name); }

// expect: { value: 1, done: false } { value: 2, done: false } { value: 9, done: true } { value: undefined, done: true } [ 'inner finally', 'outer finally' ]
// expect: [ 1, 2, 3 ] [ 'inner finally', 'got r', 'outer finally' ]
// expect: caught boom
// expect: { value: 1, done: false } { value: 2, done: false } { value: undefined, done: true }
// expect: closed
// expect: { value: 0, done: false } { value: 5, done: true }
// expect: { value: 1, done: false } { value: 'cleanup', done: false } { value: 7, done: true } { value: undefined, done: true }
// expect: first got b got c
// expect: closed noThrow
// expect: TypeError
