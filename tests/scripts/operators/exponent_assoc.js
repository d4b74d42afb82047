
console.log(2 ** 3 ** 2, (2 ** 3) ** 2);

// expect: 512 64
