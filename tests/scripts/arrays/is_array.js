
console.log(Array.isArray([]), Array.isArray({}), Array.isArray("a"), Array.of(1, 2), Array.from("ab"));

// expect: true false false [ 1, 2 ] [ 'a', 'b' ]
