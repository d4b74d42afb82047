
console.log([], [1], [1, "a", true, null, undefined], [[1, [2, [3, [4]]]]]);

// expect: [] [ 1 ] [ 1, 'a', true, null, undefined ] [ [ 1, [ 2, [Array] ] ] ]
