const m = Array.from({ length: 3 }, (_, i) => Array.from({ length: 3 }, (_, j) => i * 3 + j));
console.log(m, m.map(r => r.reduce((a, b) => a + b, 0)), m[0].map((_, j) => m.map(r => r[j])));

// expect: [ [ 0, 1, 2 ], [ 3, 4, 5 ], [ 6, 7, 8 ] ] [ 3, 12, 21 ] [ [ 0, 3, 6 ], [ 1, 4, 7 ], [ 2, 5, 8 ] ]
