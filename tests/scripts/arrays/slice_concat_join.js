const a = [1, 2, 3, 4];
console.log(a.slice(1, 3), a.slice(-2), a.concat([5], 6), a.join("-"), [1, [2, 3]].join());

// expect: [ 2, 3 ] [ 3, 4 ] [ 1, 2, 3, 4, 5, 6 ] 1-2-3-4 1,2,3
