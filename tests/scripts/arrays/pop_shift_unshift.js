const a = [1, 2, 3];
console.log(a.pop(), a.shift(), a, a.unshift(0, 0.5), a);

// expect: 3 1 [ 0, 0.5, 2 ] 3 [ 0, 0.5, 2 ]
