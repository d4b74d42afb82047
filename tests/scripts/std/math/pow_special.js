console.log(Math.pow(0, 0), Math.pow(-8, 1 / 3), Math.pow(2, 0.5), Math.pow(NaN, 0), Math.pow(1, Infinity), (-2) ** 3, 2 ** -2);

// expect: 1 NaN 1.4142135623730951 1 NaN -8 0.25
