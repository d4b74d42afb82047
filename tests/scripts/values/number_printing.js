console.log(1, -1, 0.5, 1e21, 1e-7, 123456789012, 0.1 + 0.2, -0, 1 / 3);
console.log(2 ** 53, 1e300 * 1e10, -1e300 * 1e10, 0 / 0);
console.log(String(-0), (-0).toString(), `${-0}`, [-0]);

// expect: 1 -1 0.5 1e+21 1e-7 123456789012 0.30000000000000004 -0 0.3333333333333333
// expect: 9007199254740992 Infinity -Infinity NaN
// expect: 0 0 0 [ -0 ]
