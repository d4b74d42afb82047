const o = { x: 1, y: 2 };
console.log(Object.keys(o), Object.values(o), Object.entries(o));
for (const [k, v] of Object.entries(o)) console.log(k, v);

// expect: [ 'x', 'y' ] [ 1, 2 ] [ [ 'x', 1 ], [ 'y', 2 ] ]
// expect: x 1
// expect: y 2
