"use strict";
// A string key that starts with `#` is an ordinary property, even in a
// class that has a private name of the same spelling; and for…in over a
// function, an array and an object with a hidden shadowing key.
class Tagged {
  #id = 1;
  tag(o) { o["#id"] = "string key"; return [o["#id"], this.#id]; }
}
const o = {};
console.log(new Tagged().tag(o), Object.keys(o), o["#new"] = 2, o);
function f() {}
f.extra = 1;
const seen = [];
for (const k in f) seen.push(k);
for (const k in [7, 8]) seen.push(k);
const base = { a: 1, b: 2 };
const child = Object.create(base);
Object.defineProperty(child, "a", { value: 3, enumerable: false });
for (const k in child) seen.push(k);
console.log(seen);

// expect: [ 'string key', 1 ] [ '#id' ] 2 { '#id': 'string key', '#new': 2 }
// expect: [ 'extra', '0', '1', 'b' ]
