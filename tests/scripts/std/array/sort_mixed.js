console.log([3, "b", 1, "a", null].sort(), [undefined, 3, undefined, 1].sort((a, b) => a - b));

// expect: [ 1, 3, 'a', 'b', null ] [ 1, 3, undefined, undefined ]
