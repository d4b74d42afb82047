const chunk = (arr, n) => Array.from({ length: Math.ceil(arr.length / n) }, (_, i) => arr.slice(i * n, i * n + n));
console.log(chunk([1, 2, 3, 4, 5, 6, 7], 3), chunk([], 2));

// expect: [ [ 1, 2, 3 ], [ 4, 5, 6 ], [ 7 ] ] []
