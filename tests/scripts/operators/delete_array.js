const a = [1, 2, 3];
delete a[1];
console.log(a.length, a[1]);

// expect: 3 undefined
