// JSON.parse with a reviver: children first, `this` the holder,
// undefined deletes, the root under the key "".
const seen = [];
const out = JSON.parse('{"a":1,"b":[1,2,{"c":"x"}],"d":null,"drop":true}', function (key, value) {
  seen.push(key === "" ? "(root)" : key);
  if (key === "drop") return undefined;
  if (typeof value === "number") return value * 10;
  if (key === "c") return Object.keys(this).join() + ":" + value;
  return value;
});
console.log(out, seen.join(" "));
const dated = JSON.parse('{"when":"2026-12-06T00:00:00.000Z"}', (k, v) =>
  typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v) ? new Date(v) : v);
console.log(dated.when instanceof Date, dated.when.getTime());
console.log(JSON.parse("[1,[2,[3]]]", (k, v) => (Array.isArray(v) ? v.length : v)));
console.log(JSON.parse('"plain"', (k, v) => v + "!"), JSON.parse("5", null));

// expect: { a: 10, b: [ 10, 20, { c: 'c:x' } ], d: null } a 0 1 c 2 b d drop (root)
// expect: true 1796515200000
// expect: 2
// expect: plain! 5
