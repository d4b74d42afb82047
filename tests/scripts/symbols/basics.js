"use strict";
// Symbols: descriptions, symbol keys (hidden from keys and JSON), the
// registry, well-known symbols (hasInstance, toPrimitive), conversions.
const s = Symbol("tag");
const o = { [s]: 1, a: 2 };
console.log(typeof s, s.toString(), s.description, Symbol().description, String(s));
console.log(o[s], Object.keys(o), JSON.stringify(o), Object.getOwnPropertySymbols(o).length);
console.log(o);
console.log(Symbol.for("app") === Symbol.for("app"), Symbol.keyFor(Symbol.for("app")), Symbol.keyFor(s));
console.log(Symbol.iterator.toString(), typeof Symbol.iterator);
try { s + ""; } catch (e) { console.log(e.constructor.name, e.message); }
try { new Symbol(); } catch (e) { console.log(e.constructor.name); }
class Even { static [Symbol.hasInstance](n) { return n % 2 === 0; } }
console.log(2 instanceof Even, 3 instanceof Even);
const money = { [Symbol.toPrimitive](hint) { return hint === "number" ? 42 : "forty-two"; } };
console.log(+money, `${money}`, money + "");
console.log(Object.prototype.toString.call(s), s === s, Symbol("x") === Symbol("x"));
for (const k in o) console.log(k);
console.log(Object.getOwnPropertyNames(o), { ...o }[s]);

// expect: symbol Symbol(tag) tag undefined Symbol(tag)
// expect: 1 [ 'a' ] {"a":2} 1
// expect: { a: 2, [Symbol(tag)]: 1 }
// expect: true app undefined
// expect: Symbol(Symbol.iterator) symbol
// expect: TypeError Cannot convert a Symbol value to a string
// expect: TypeError
// expect: true false
// expect: 42 forty-two forty-two
// expect: [object Symbol] true false
// expect: a
// expect: [ 'a' ] 1
