"use strict";
// Wrapper objects: `new Number/String/Boolean` and `Object(primitive)`
// hold their primitive; operators convert them through valueOf/toString.
const n = new Number(1), s = new String("ab"), b = new Boolean(false);
console.log(typeof n, typeof s, typeof b, typeof Object(1), typeof Number(1));
console.log(n + 1, n * 2, n | 4, n ^ 1, -n, n == 1, n === 1);
console.log(s + "c", s.length, s[1], s[5], s.toUpperCase(), s == "ab");
console.log(b ? "wrapper is truthy" : "falsy", b.valueOf(), b + "", !!b);
console.log(n.valueOf(), s.valueOf(), n.toFixed(2), Object(true).toString());
console.log(Object.prototype.toString.call(n), Object.prototype.toString.call(s));
console.log(JSON.stringify({ n, s, b, list: [new Number(2)] }));
console.log(n instanceof Number, s instanceof String, 1 instanceof Number);
console.log(Object(n) === n, Object.keys(new String("x")).length >= 0);
console.log([n, s, b]);
// valueOf first for numbers and `+`, toString first for strings.
const o = { valueOf() { return 42; }, toString() { return "text"; } };
console.log(o + 1, `${o}`, String(o), o * 1, [o] + "");
console.log(1 + { toString() { return 1; } }, Number([7]), [] + [], [1, [2, 3]] + "");
function f() { return 0; }
console.log((f + "").startsWith("function f"));
try { "" + Object.create(null); } catch (e) { console.log(e.constructor.name); }
try { new Number(1).valueOf.call("x"); } catch (e) { console.log(e.constructor.name); }
// A subclass of a wrapper keeps the wrapper's behaviour.
class Money extends Number { cents() { return Math.round(this * 100); } }
console.log(new Money(1.5).cents(), new Money(2) + 1);
const err = { name: "Oops", message: "bad", toString: Error.prototype.toString };
console.log(String(err), String(new Error("x")), `${new TypeError()}`);

// expect: object object object object number
// expect: 2 2 5 0 -1 true false
// expect: abc 2 b undefined AB true
// expect: wrapper is truthy false false true
// expect: 1 ab 1.00 true
// expect: [object Number] [object String]
// expect: {"n":1,"s":"ab","b":false,"list":[2]}
// expect: true true false
// expect: true true
// expect: [ [Number: 1], [String: 'ab'], [Boolean: false] ]
// expect: 43 text text 42 text
// expect: 2 7  1,2,3
// expect: true
// expect: TypeError
// expect: TypeError
// expect: 150 3
// expect: Oops: bad Error: x TypeError
