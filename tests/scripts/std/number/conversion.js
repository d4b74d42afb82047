console.log(Number("42"), Number("  3.5  "), Number(""), Number("0x10"), Number("1e3"), Number("12px"), Number(null), Number(undefined), Number(true), Number([]), Number([7]), Number([1, 2]));

// expect: 42 3.5 0 16 1000 NaN 0 NaN 1 0 7 NaN
