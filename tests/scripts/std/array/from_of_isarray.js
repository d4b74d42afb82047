console.log(Array.from("abc"), Array.from([1, 2], x => x * 10), Array.from({ length: 3 }), Array.from({ length: 2, 0: "a", 1: "b" }), Array.of(7), Array.of(1, 2));
console.log(Array.isArray([]), Array.isArray(Array.from("x")), new Array(3).length, new Array(1, 2), Array(2).length);

// expect: [ 'a', 'b', 'c' ] [ 10, 20 ] [ undefined, undefined, undefined ] [ 'a', 'b' ] [ 7 ] [ 1, 2 ]
// expect: true true 3 [ 1, 2 ] 2
