function f(first, ...rest) { return [first, rest, rest.length]; }
console.log(f(1), f(1, 2, 3));
const g = (...all) => all.length;
console.log(g(), g(1, 2));

// expect: [ 1, [], 0 ] [ 1, [ 2, 3 ], 2 ]
// expect: 0 2
