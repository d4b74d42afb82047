
console.log(Math.floor(2.7), Math.ceil(2.1), Math.round(2.5), Math.round(-2.5), Math.abs(-3), Math.max(1, 5, 3), Math.min(), Math.sqrt(16), Math.trunc(-4.7));

// expect: 2 3 3 -2 3 5 Infinity 4 -4
