const a = [];
console.log(a.push(1, 2), a.unshift(0), a, a.pop(), a.shift(), a, [].pop(), [].shift());

// expect: 2 3 [ 1 ] 2 0 [ 1 ] undefined undefined
