"use strict";
// Scripts may change the realm, as polyfills and libraries do (each run's
// changes are its own: tests/gateway.rs holds requests apart).
Array.prototype.last = function () {
  return this[this.length - 1];
};
console.log([1, 2, 3].last());
for (const k in ["a"]) console.log("for-in sees", k);
if (!String.prototype.shout) {
  String.prototype.shout = function () {
    return this.toUpperCase() + "!";
  };
}
console.log("hi".shout());
Object.defineProperty(Object.prototype, "quiet", { value: 42, configurable: true });
console.log({}.quiet, Object.keys({}), JSON.stringify({ a: 1 }));
delete Object.prototype.quiet;
console.log({}.quiet);

// Replacing and restoring a method.
const realMax = Math.max;
Math.max = () => "patched";
console.log(Math.max(1, 2));
Math.max = realMax;
console.log(Math.max(1, 2));

// Constants stay constant.
for (const [label, f] of [
  ["Math.PI", () => { Math.PI = 3; }],
  ["NaN", () => { globalThis.NaN = 1; }],
  ["Array.prototype", () => { Array.prototype = {}; }],
  ["Number.MAX_SAFE_INTEGER", () => { Number.MAX_SAFE_INTEGER = 1; }],
]) {
  try {
    f();
    console.log(label, "changed");
  } catch (e) {
    console.log(label, e.constructor.name);
  }
}
console.log(Math.PI);

// Freezing and extensibility of built-ins.
console.log(Object.isExtensible(Math), Object.isFrozen(Math));
Object.freeze(Math);
console.log(Object.isFrozen(Math));
try {
  Math.extra = 1;
} catch (e) {
  console.log("frozen Math:", e.constructor.name);
}
try {
  Object.setPrototypeOf(Object.prototype, {});
} catch (e) {
  console.log("Object.prototype's prototype:", e.constructor.name);
}

// A function's name and length: read-only, configurable.
function f(a, b) {}
try {
  f.name = "g";
} catch (e) {
  console.log("f.name =", e.constructor.name);
}
console.log(JSON.stringify(Object.getOwnPropertyDescriptor(f, "length")));
console.log(delete f.name, Object.hasOwn(f, "name"), JSON.stringify(f.name));
Object.defineProperty(f, "length", { value: 9 });
console.log(f.length);

// expect: 3
// expect: for-in sees 0
// expect: for-in sees last
// expect: HI!
// expect: 42 [] {"a":1}
// expect: undefined
// expect: patched
// expect: 2
// expect: Math.PI TypeError
// expect: NaN TypeError
// expect: Array.prototype TypeError
// expect: Number.MAX_SAFE_INTEGER TypeError
// expect: 3.141592653589793
// expect: true false
// expect: true
// expect: frozen Math: TypeError
// expect: Object.prototype's prototype: TypeError
// expect: f.name = TypeError
// expect: {"value":2,"writable":false,"enumerable":false,"configurable":true}
// expect: true false ""
// expect: 9
