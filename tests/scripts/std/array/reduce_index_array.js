console.log([10, 20, 30].reduce((acc, x, i, arr) => acc + x * i + arr.length, 0));

// expect: 89
