console.log([10, 9, 1, 100, 25].sort((a, b) => a - b), [10, 9, 1, 100, 25].sort((a, b) => b - a));
const recs = [{ n: "a", v: 3 }, { n: "b", v: 1 }, { n: "c", v: 3 }, { n: "d", v: 2 }];
console.log(recs.sort((x, y) => y.v - x.v).map(r => r.n).join(""));

// expect: [ 1, 9, 10, 25, 100 ] [ 100, 25, 10, 9, 1 ]
// expect: acdb
