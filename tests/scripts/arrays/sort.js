console.log([3, 1, 10, 2].sort(), [3, 1, 10, 2].sort((a, b) => a - b), ["b", "a", "c"].sort());
const people = [{ n: "x", a: 2 }, { n: "y", a: 1 }, { n: "z", a: 2 }];
console.log(people.sort((p, q) => p.a - q.a).map(p => p.n));

// expect: [ 1, 10, 2, 3 ] [ 1, 2, 3, 10 ] [ 'a', 'b', 'c' ]
// expect: [ 'y', 'x', 'z' ]
