const a = [1, 2], b = [[3], 4];
console.log([...a, ...b], a.concat(b), [].concat(...b));

// expect: [ 1, 2, [ 3 ], 4 ] [ 1, 2, [ 3 ], 4 ] [ 3, 4 ]
