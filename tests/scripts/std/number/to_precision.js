console.log((123.456).toPrecision(4), (0.000123).toPrecision(2), (123456).toPrecision(2), (1.5).toPrecision(1), (5).toPrecision(3), (0).toPrecision(2));

// expect: 123.5 0.00012 1.2e+5 2 5.00 0.0
