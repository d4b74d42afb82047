const a = [1, 2, 3, 4, 5];
console.log(a.splice(-2), a, a.splice(0, 1, "a", "b"), a, a.splice(1), a);

// expect: [ 4, 5 ] [ 'a' ] [ 1 ] [ 'a' ] [ 'b', 2, 3 ] [ 'a' ]
