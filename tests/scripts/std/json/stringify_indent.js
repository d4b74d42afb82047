const v = { name: "kit", tags: ["a", "b"], nested: { empty: {}, list: [] } };
console.log(JSON.stringify(v, null, 2));
console.log(JSON.stringify([1, [2]], null, "--"));
console.log(JSON.stringify({ a: 1 }, null, 20));

// expect: {
// expect:   "name": "kit",
// expect:   "tags": [
// expect:     "a",
// expect:     "b"
// expect:   ],
// expect:   "nested": {
// expect:     "empty": {},
// expect:     "list": []
// expect:   }
// expect: }
// expect: [
// expect: --1,
// expect: --[
// expect: ----2
// expect: --]
// expect: ]
// expect: {
// expect:           "a": 1
// expect: }
