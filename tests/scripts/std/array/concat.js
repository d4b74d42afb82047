const a = [1];
console.log(a.concat(2, [3, [4]], "s"), a, [].concat([], []));

// expect: [ 1, 2, 3, [ 4 ], 's' ] [ 1 ] []
