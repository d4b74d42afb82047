const a = [1, 2, 3, 4];
a.length = 2;
console.log(a);
a.length = 3;
console.log(a.length, a[2]);

// expect: [ 1, 2 ]
// expect: 3 undefined
