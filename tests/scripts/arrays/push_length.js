const a = [];
a.push(1); a.push(2, 3);
console.log(a, a.length, a.push(4));

// expect: [ 1, 2, 3, 4 ] 3 4
