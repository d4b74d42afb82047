console.log([10, 9, 1, 100, 25].sort(), ["b", "B", "a", "A"].sort(), [true, false].sort(), [3, undefined, 1].sort());

// expect: [ 1, 10, 100, 25, 9 ] [ 'A', 'B', 'a', 'b' ] [ false, true ] [ 1, 3, undefined ]
