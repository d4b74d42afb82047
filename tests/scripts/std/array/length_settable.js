const a = [1, 2, 3, 4, 5];
a.length = 3;
console.log(a, a.length);
a.length = 0;
console.log(a);

// expect: [ 1, 2, 3 ] 3
// expect: []
