const o = { b: 1, a: [2], c: { d: 3 } };
console.log(Object.keys(o), Object.values(o), Object.entries(o));
console.log(Object.keys([9, 8]), Object.entries("ab"), Object.keys({}));

// expect: [ 'b', 'a', 'c' ] [ 1, [ 2 ], { d: 3 } ] [ [ 'b', 1 ], [ 'a', [ 2 ] ], [ 'c', { d: 3 } ] ]
// expect: [ '0', '1' ] [ [ '0', 'a' ], [ '1', 'b' ] ] []
