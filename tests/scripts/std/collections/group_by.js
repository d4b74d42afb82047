// Map.groupBy and Object.groupBy (ES2024; node 20 lacks them, so these
// expectations were written from the specification and node 21's layout).
const inv = [{ n: "a", t: "veg" }, { n: "b", t: "fruit" }, { n: "c", t: "veg" }];
const byType = Map.groupBy(inv, (x) => x.t);
console.log(byType.size, [...byType.keys()], byType.get("veg").map((x) => x.n));
const o = Object.groupBy(inv, (x, i) => (i % 2 ? "odd" : "even"));
console.log(Object.keys(o), o.even.length, Object.getPrototypeOf(o));
console.log(Map.groupBy([1, -0, 0, NaN, NaN], (x) => x).size);

// expect: 2 [ 'veg', 'fruit' ] [ 'a', 'c' ]
// expect: [ 'even', 'odd' ] 2 null
// expect: 3
