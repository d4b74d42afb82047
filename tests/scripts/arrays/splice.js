const a = [1, 2, 3, 4, 5];
console.log(a.splice(1, 2), a);
console.log(a.splice(1, 0, "x", "y"), a);

// expect: [ 2, 3 ] [ 1, 4, 5 ]
// expect: [] [ 1, 'x', 'y', 4, 5 ]
