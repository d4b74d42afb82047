console.log(7 + 3, 7 - 3, 7 * 3, 7 / 2, 7 % 3, -7 % 3, 2 ** 10, 2 ** -1, (-8) % 3);
console.log(5.5 % 2, 1 / 0, -1 / 0, 0 / 0);

// expect: 10 4 21 3.5 1 -1 1024 0.5 -2
// expect: 1.5 Infinity -Infinity NaN
