console.log([1, 2, 3].fill(0), [1, 2, 3, 4].fill(9, 1, 3), new Array(3).fill("x"), [1, 2, 3].fill(7, -1));

// expect: [ 0, 0, 0 ] [ 1, 9, 9, 4 ] [ 'x', 'x', 'x' ] [ 1, 2, 7 ]
