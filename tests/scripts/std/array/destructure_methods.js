const [first, ...rest] = [5, 4, 3].sort((a, b) => a - b);
console.log(first, rest);

// expect: 3 [ 4, 5 ]
