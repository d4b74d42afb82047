"use strict";
// structuredClone: deep copies of data, shared references and cycles kept,
// a DataCloneError for what cannot be cloned.
const shared = { n: 1 };
const source = {
  text: "héllo",
  list: [1, , { deep: [shared, shared] }],
  when: new Date(Date.UTC(2026, 11, 6)),
  pattern: /a+b/gi,
  map: new Map([["k", shared], [shared, "v"]]),
  set: new Set([1, "two", shared]),
  bytes: new Uint8Array([1, 2, 250]),
  boxed: [new Number(3), new String("s"), new Boolean(false)],
  get computed() {
    return "read once";
  },
};
source.self = source;
const copy = structuredClone(source);
console.log(copy !== source, copy.self === copy, copy.list[2].deep[0] === copy.list[2].deep[1]);
console.log(copy.list[2].deep[0] !== shared, 1 in copy.list, copy.list.length);
console.log(copy.when instanceof Date, copy.when.toISOString(), copy.when !== source.when);
console.log(copy.pattern instanceof RegExp, String(copy.pattern), copy.pattern.lastIndex);
console.log(copy.map.get("k") === copy.list[2].deep[0], copy.map.get(copy.map.get("k")));
console.log([...copy.set].length, copy.set.has("two"), copy.bytes, copy.bytes.buffer !== source.bytes.buffer);
console.log(copy.boxed, Object.getOwnPropertyDescriptor(copy, "computed"));
const err = structuredClone(new RangeError("too far", { cause: "why" }));
console.log(err instanceof RangeError, err.name, err.message, err.cause);
const view = new Uint16Array(new ArrayBuffer(8), 2, 2);
const viewCopy = structuredClone(view);
console.log(viewCopy.byteOffset, viewCopy.length, viewCopy.buffer.byteLength);
console.log(structuredClone(7), structuredClone("s"), structuredClone(null), structuredClone(undefined));
class Point {
  constructor() {
    this.x = 1;
  }
}
const p = structuredClone(new Point());
console.log(p, p instanceof Point);
for (const bad of [() => {}, Symbol("s"), { f() {} }, Promise.resolve(), new WeakMap()]) {
  try {
    structuredClone(bad);
    console.log("cloned");
  } catch (e) {
    console.log(e.name);
  }
}

// expect: true true true
// expect: true false 3
// expect: true 2026-12-06T00:00:00.000Z true
// expect: true /a+b/gi 0
// expect: true v
// expect: 3 true Uint8Array(3) [ 1, 2, 250 ] true
// expect: [ [Number: 3], [String: 's'], [Boolean: false] ] {
// expect:   value: 'read once',
// expect:   writable: true,
// expect:   enumerable: true,
// expect:   configurable: true
// expect: }
// expect: true RangeError too far why
// expect: 2 2 8
// expect: 7 s null undefined
// expect: { x: 1 } false
// expect: DataCloneError
// expect: DataCloneError
// expect: DataCloneError
// expect: DataCloneError
// expect: DataCloneError
