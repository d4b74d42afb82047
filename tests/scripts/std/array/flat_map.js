console.log([1, 2, 3].flatMap(x => [x, x * 2]), ["a b", "c"].flatMap(s => s.split(" ")), [1, 2].flatMap(x => x));

// expect: [ 1, 2, 2, 4, 3, 6 ] [ 'a', 'b', 'c' ] [ 1, 2 ]
