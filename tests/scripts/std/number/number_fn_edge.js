console.log(Number("-0"), Number("Infinity"), Number("-Infinity"), Number("infinity"), Number("1_000"), Number(".5"), Number("5."));

// expect: -0 Infinity -Infinity NaN NaN 0.5 5
