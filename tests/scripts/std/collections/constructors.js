// Map and Set constructors add through an overridden set/add, close the
// iterator when adding fails; Symbol.species; against node.
class Log extends Map { set(k, v) { console.log("set", k); return super.set(k, v); } }
new Log([["x", 1], ["y", 2]]);
function* gen() { yield ["a", 1]; throw new Error("boom"); }
try { new Map(gen()) } catch (e) { console.log(e.message) }
let closed = false;
const iter = { [Symbol.iterator]() { return { next() { return { value: 5, done: false } }, return() { closed = true; return {} } } } };
try { new Map(iter) } catch (e) { console.log(e.constructor.name, closed) }
console.log(Map[Symbol.species] === Map, new Set("hello").size);

// expect: set x
// expect: set y
// expect: boom
// expect: TypeError true
// expect: true 4
