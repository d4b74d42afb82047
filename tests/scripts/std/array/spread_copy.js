const a = [1, [2]];
const b = [...a];
b[1].push(3);
b.push(4);
console.log(a, b);

// expect: [ 1, [ 2, 3 ] ] [ 1, [ 2, 3 ], 4 ]
