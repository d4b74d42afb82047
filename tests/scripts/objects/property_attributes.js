"use strict";
// Property attributes: defineProperty's defaults, read-only and fixed
// properties, freeze/seal/preventExtensions, and the specification's key order.
const o = {};
Object.defineProperty(o, "id", { value: 7 });
console.log(o.id, Object.keys(o), JSON.stringify(Object.getOwnPropertyDescriptor(o, "id")));
try { o.id = 8; } catch (e) { console.log(e.constructor.name); }
try { delete o.id; } catch (e) { console.log(e.constructor.name); }
try { Object.defineProperty(o, "id", { value: 9 }); } catch (e) { console.log(e.constructor.name, e.message); }
Object.defineProperty(o, "id", { value: 7 });
console.log(o.id);

const w = Object.defineProperties({}, {
  a: { value: 1, writable: true, enumerable: true, configurable: true },
  b: { value: 2, enumerable: false },
});
w.a = 10;
console.log(w, Object.getOwnPropertyNames(w), w.propertyIsEnumerable("b"));

const frozen = Object.freeze({ x: 1, nested: { y: 2 } });
try { frozen.x = 2; } catch (e) { console.log(e.constructor.name); }
try { frozen.z = 2; } catch (e) { console.log(e.constructor.name); }
frozen.nested.y = 3;
console.log(frozen, Object.isFrozen(frozen), Object.isFrozen(frozen.nested));

const list = Object.freeze([1, 2, 3]);
for (const f of [() => list.push(4), () => { list[0] = 9; }, () => list.pop(), () => list.sort()]) {
  try { f(); } catch (e) { console.log(e.constructor.name); }
}
console.log(list, Object.isFrozen(list));

const sealed = Object.seal({ a: 1 });
sealed.a = 2;
try { sealed.b = 1; } catch (e) { console.log(e.constructor.name); }
try { delete sealed.a; } catch (e) { console.log(e.constructor.name); }
console.log(sealed, Object.isSealed(sealed), Object.isFrozen(sealed));

const closed = Object.preventExtensions({ a: 1 });
delete closed.a;
try { closed.b = 1; } catch (e) { console.log(e.constructor.name); }
console.log(closed, Object.isExtensible(closed), Object.isExtensible({}));

const keys = { b: 1, 10: "ten", a: 2, 2: "two", "01": "not an index" };
console.log(Object.keys(keys), JSON.stringify(keys));
for (const k in keys) console.log(k);
console.log(Object.entries({ z: 1, 1: 2 }));

const proto = { inherited: 1 };
const child = Object.setPrototypeOf({ own: 2 }, proto);
console.log(Object.getPrototypeOf(child) === proto, proto.isPrototypeOf(child), child.inherited);
try { Object.setPrototypeOf(proto, child); } catch (e) { console.log(e.constructor.name); }
console.log(Object.is(NaN, NaN), Object.is(0, -0), Object.is("a", "a"));

// expect: 7 [] {"value":7,"writable":false,"enumerable":false,"configurable":false}
// expect: TypeError
// expect: TypeError
// expect: TypeError Cannot redefine property: id
// expect: 7
// expect: { a: 10 } [ 'a', 'b' ] false
// expect: TypeError
// expect: TypeError
// expect: { x: 1, nested: { y: 3 } } true false
// expect: TypeError
// expect: TypeError
// expect: TypeError
// expect: TypeError
// expect: [ 1, 2, 3 ] true
// expect: TypeError
// expect: TypeError
// expect: { a: 2 } true false
// expect: TypeError
// expect: {} false true
// expect: [ '2', '10', 'b', 'a', '01' ] {"2":"two","10":"ten","b":1,"a":2,"01":"not an index"}
// expect: 2
// expect: 10
// expect: b
// expect: a
// expect: 01
// expect: [ [ '1', 2 ], [ 'z', 1 ] ]
// expect: true true 1
// expect: TypeError
// expect: true false true
