"use strict";
// Getters and setters in object literals, on prototypes and through
// Object.defineProperty; printing and JSON of accessor properties.
const temp = {
  celsius: 20,
  get fahrenheit() { return this.celsius * 9 / 5 + 32; },
  set fahrenheit(f) { this.celsius = (f - 32) * 5 / 9; },
};
console.log(temp.fahrenheit, JSON.stringify(temp));
temp.fahrenheit = 212;
console.log(temp.celsius, Object.keys(temp));
console.log(temp);

const base = { get kind() { return "base:" + this.name; } };
const child = Object.create(base);
child.name = "child";
console.log(child.kind, "kind" in child, Object.keys(child));

const onlyGet = { get x() { return 1; } };
try { onlyGet.x = 2; } catch (e) { console.log(e.constructor.name); }

let log = [];
const counter = Object.defineProperty({}, "next", {
  get() { log.push("read"); return log.length; },
  enumerable: false,
});
console.log(counter.next, counter.next, log, Object.keys(counter), JSON.stringify(counter));
const d = Object.getOwnPropertyDescriptor(temp, "fahrenheit");
console.log(typeof d.get, typeof d.set, d.enumerable, d.configurable);
console.log(Object.getOwnPropertyDescriptor(counter, "next").enumerable);
console.log({ ...temp });
console.log(Object.assign({}, temp));
const named = Object.getOwnPropertyDescriptor(temp, "fahrenheit");
console.log(named.get.name, named.set.name);

// expect: 68 {"celsius":20,"fahrenheit":68}
// expect: 100 [ 'celsius', 'fahrenheit' ]
// expect: { celsius: 100, fahrenheit: [Getter/Setter] }
// expect: base:child true [ 'name' ]
// expect: TypeError
// expect: 1 2 [ 'read', 'read' ] [] {}
// expect: function function true true
// expect: false
// expect: { celsius: 100, fahrenheit: 212 }
// expect: { celsius: 100, fahrenheit: 212 }
// expect: get fahrenheit set fahrenheit
