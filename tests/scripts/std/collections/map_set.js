// Map, Set, WeakMap and WeakSet: SameValueZero keys, insertion order, live
// iteration, forEach, subclassing, console.log's layout; against node.
const m = new Map([["a", 1], ["b", 2]]);
m.set("c", 3).set("a", 10);
console.log(m.size, m.get("a"), m.get("z"), m.has("b"), m.delete("b"), m.delete("b"), m.size);
console.log([...m], [...m.keys()], [...m.values()], Array.from(m.entries()));
const k = {}; m.set(k, "obj"); m.set(NaN, "nan"); m.set(-0, "zero");
console.log(m.get(k), m.get(NaN), m.get(0), m.get(+0), m.has({}));
const s = new Set([1, 2, 2, 3, "3"]);
console.log(s.size, s.has(2), s.has("2"), [...s], s.add(4) === s, s.delete(1), [...s.entries()]);
let out = [];
m.forEach((v, key, map) => { out.push(String(key) + "=" + v); });
console.log(out.join(","), map2());
function map2() { const r = []; new Set(["x", "y"]).forEach(function (v, k, set) { r.push(v + k + (set instanceof Set) + this.t); }, { t: "!" }); return r; }
for (const [key, v] of new Map([[1, "one"]])) console.log(key, v);
const it = m.entries(); console.log(Object.prototype.toString.call(it), Object.prototype.toString.call(m), String(s));
const live = new Map([[1, 1]]); const seen = []; for (const [a] of live) { seen.push(a); if (a < 5) live.set(a + 1, 0); } console.log(seen);
const del = new Set([1, 2, 3]); const got = []; for (const x of del) { got.push(x); del.delete(2); } console.log(got);
const cl = new Set([1, 2]); const it2 = cl.values(); it2.next(); cl.clear(); cl.add(9); console.log(it2.next(), cl.size);
class Counter extends Map { inc(k) { return this.set(k, (this.get(k) || 0) + 1); } }
const c = new Counter(); c.inc("a").inc("a").inc("b"); console.log(c.get("a"), c instanceof Map, c instanceof Counter, c.size);
const wm = new WeakMap(); wm.set(k, 1); console.log(wm.get(k), wm.has(k), wm.has({}), wm.delete(k), wm.has(k));
try { wm.set("x", 1) } catch (e) { console.log(e.constructor.name) }
try { Map() } catch (e) { console.log(e.constructor.name, e.message) }
try { Map.prototype.get.call({}, 1) } catch (e) { console.log(e.constructor.name) }
const ws = new WeakSet([k]); console.log(ws.has(k), ws.add({}) === ws);
console.log(JSON.stringify(m), Object.keys(m), typeof m, m.size, Map.prototype.forEach.length, Map.name, Map.length);
console.log(new Map([[1, { a: 1 }], ["k", [1, 2]]]), new Set(["a", 1]), new Map(), new Set(), m.get(0));
console.log(new WeakMap(), wm);
const big = new Map(); for (let i = 0; i < 1000; i++) big.set("k" + i, i); for (let i = 0; i < 990; i++) big.delete("k" + i); console.log(big.size, [...big.keys()].slice(0, 3), big.get("k995"));
class C extends Map {}; console.log(new C([[1,2]]), {a:{b:{c:new Map([[1,2]])}}}, new Map([[{x:1},new Set([1])]]))

// expect: 3 10 undefined true true false 2
// expect: [ [ 'a', 10 ], [ 'c', 3 ] ] [ 'a', 'c' ] [ 10, 3 ] [ [ 'a', 10 ], [ 'c', 3 ] ]
// expect: obj nan zero zero false
// expect: 4 true false [ 1, 2, 3, '3' ] true true [ [ 2, 2 ], [ 3, 3 ], [ '3', '3' ], [ 4, 4 ] ]
// expect: a=10,c=3,[object Object]=obj,NaN=nan,0=zero [ 'xxtrue!', 'yytrue!' ]
// expect: 1 one
// expect: [object Map Iterator] [object Map] [object Set]
// expect: [ 1, 2, 3, 4, 5 ]
// expect: [ 1, 3 ]
// expect: { value: 9, done: false } 1
// expect: 2 true true 2
// expect: 1 true false true false
// expect: TypeError
// expect: TypeError Constructor Map requires 'new'
// expect: TypeError
// expect: true true
// expect: {} [] object 5 1 Map 0
// expect: Map(2) { 1 => { a: 1 }, 'k' => [ 1, 2 ] } Set(2) { 'a', 1 } Map(0) {} Set(0) {} zero
// expect: WeakMap { <items unknown> } WeakMap { <items unknown> }
// expect: 10 [ 'k990', 'k991', 'k992' ] 995
// expect: C(1) [Map] { 1 => 2 } { a: { b: { c: [Map] } } } Map(1) { { x: 1 } => Set(1) { 1 } }
