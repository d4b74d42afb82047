const a = ["x", "y"];
console.log([...a.keys()], [...a.values()], [...a.entries()]);
for (const [i, v] of a.entries()) console.log(i, v);

// expect: [ 0, 1 ] [ 'x', 'y' ] [ [ 0, 'x' ], [ 1, 'y' ] ]
// expect: 0 x
// expect: 1 y
