console.log(Math.max(), Math.min(), Math.max(1, "7", 3), Math.min(1, NaN), Math.max(...[4, 9, 2]), Math.max(-0, 0), Math.min(0, -0));

// expect: -Infinity Infinity 7 NaN 9 0 -0
