const o = { a: 1 };
o.self = o;
try { JSON.stringify(o); } catch (e) { console.log(e.name, e.message.startsWith("Converting circular structure to JSON")); }
const shared = { x: 1 };
console.log(JSON.stringify({ a: shared, b: shared }));

// expect: TypeError true
// expect: {"a":{"x":1},"b":{"x":1}}
