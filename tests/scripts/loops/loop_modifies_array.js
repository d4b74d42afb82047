const a = [1, 2, 3];
for (let i = 0; i < a.length; i++) if (a[i] === 2) a.push(4);
console.log(a);

// expect: [ 1, 2, 3, 4 ]
