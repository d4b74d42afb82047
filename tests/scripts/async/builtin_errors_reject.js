"use strict";
// A built-in's own error (a TypeError it raises) becomes a rejection where
// a thrown exception would: the combinators, the executor, `then` lookups.
Promise.all(5).catch((e) => console.log("all:", e.constructor.name));
Promise.race(null).catch((e) => console.log("race:", e.constructor.name));
new Promise(function (resolve) { resolve.x.y; }).catch((e) => console.log("executor:", e.constructor.name));
const thenable = { get then() { return null.then; } };
Promise.resolve(thenable).catch((e) => console.log("then getter:", e.constructor.name));
async function f() { return [].reduce((a, b) => a + b); }
f().catch((e) => console.log("async:", e.constructor.name, e.message));
console.log("sync first");

// expect: sync first
// expect: all: TypeError
// expect: race: TypeError
// expect: executor: TypeError
// expect: then getter: TypeError
// expect: async: TypeError Reduce of empty array with no initial value
