const pairs = [];
for (let i = 0, j = 10; i < j; i += 3, j -= 3) pairs.push([i, j]);
console.log(pairs);

// expect: [ [ 0, 10 ], [ 3, 7 ] ]
