"use strict";
// A throw out of a for-of body closes its iterator (the close cannot
// replace the exception); a throw from next() itself does not close it.
const it = (label) => ({ i: 0, [Symbol.iterator]() { return this; }, next() { return { value: this.i++, done: this.i > 5 }; }, return() { console.log("closed", label); return {}; } });
try { for (const x of it("throw")) { if (x === 2) throw new Error("boom"); } } catch (e) { console.log("caught", e.message); }
for (const x of it("break")) { if (x === 1) break; }
function f() { for (const x of it("return")) { if (x === 1) return x; } }
f();
for (const x of it("normal")) {}
const bad = { [Symbol.iterator]() { return this; }, next() { throw new Error("next failed"); }, return() { console.log("should not close"); return {}; } };
try { for (const x of bad) {} } catch (e) { console.log("caught", e.message); }
const badClose = { [Symbol.iterator]() { return this; }, next() { return { value: 1, done: false }; }, return() { throw new Error("close failed"); } };
try { for (const x of badClose) { throw new Error("body"); } } catch (e) { console.log("caught", e.message); }
function* g() { try { yield 1; yield 2; } finally { console.log("gen cleanup"); } }
try { for (const v of g()) { throw new Error("in body"); } } catch (e) { console.log("caught", e.message); }
outer: for (const a of it("outer")) { for (const b of it("inner")) { continue outer; } }
console.log([...[1, 2, 3]].length);

// expect: closed throw
// expect: caught boom
// expect: closed break
// expect: closed return
// expect: caught next failed
// expect: caught body
// expect: gen cleanup
// expect: caught in body
// expect: closed inner
// expect: closed inner
// expect: closed inner
// expect: closed inner
// expect: closed inner
// expect: 3
