const xs = [3, 1, 3, 2, 1];
console.log(xs.filter((x, i) => xs.indexOf(x) === i), Object.keys(xs.reduce((m, x) => ({ ...m, [x]: true }), {})));

// Kitwork keeps insertion order for integer-like keys too (docs/LANGUAGE.md).
// expect: [ 3, 1, 2 ] [ '1', '2', '3' ]
