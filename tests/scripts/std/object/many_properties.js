// An object with thousands of properties (past the size where lookups go
// through an index): writes, overwrites, deletes and re-adds keep the
// values and the key order right.
const o = {};
for (let i = 0; i < 5000; i++) o["k" + i] = i;
for (let i = 0; i < 5000; i += 2) o["k" + i] = -i;
for (let i = 0; i < 5000; i += 3) delete o["k" + i];
o.k0 = "back";
o[7] = "index";
let sum = 0;
for (const k in o) if (typeof o[k] === "number") sum += o[k];
const keys = Object.keys(o);
console.log(keys.length, keys.slice(0, 4), keys.slice(-2), sum);
console.log(o.k1, o.k2, o.k3, o.k4999, "k4998" in o, o.hasOwnProperty("k6"), o.k0);
const copy = { ...o };
console.log(JSON.stringify(copy).length, Object.entries(copy)[10], structuredClone(o).k4999);
Object.defineProperty(o, "k1", { get: () => "getter" });
Object.freeze(o);
console.log(o.k1, Object.isFrozen(o), Object.getOwnPropertyDescriptor(o, "k5").writable);

// expect: 3335 [ '7', 'k1', 'k2', 'k4' ] [ 'k4999', 'k0' ] 4999
// expect: 1 -2 undefined 4999 false false back
// expect: 43544 [ 'k14', -14 ] 4999
// expect: getter true false
