const a = [1, 2, 3, 4, 5];
console.log(a.slice(), a.slice(2), a.slice(1, -1), a.slice(-2), a.slice(4, 1), a);

// expect: [ 1, 2, 3, 4, 5 ] [ 3, 4, 5 ] [ 2, 3, 4 ] [ 4, 5 ] [] [ 1, 2, 3, 4, 5 ]
