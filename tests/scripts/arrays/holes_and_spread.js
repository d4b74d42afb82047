const a = [1, , 3];
const b = [0, ...a, 4];
console.log(a.length, b);

// expect: 3 [ 0, 1, undefined, 3, 4 ]
