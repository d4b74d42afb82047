console.log(parseInt("42px"), parseInt("-17"), parseInt("0x1A"), parseInt("1010", 2), parseInt("z", 36), parseInt(""), parseInt("3.9"), parseInt("  12  "));
console.log(parseFloat("3.14abc"), parseFloat(".5"), parseFloat("-1e3x"), parseFloat("abc"), parseFloat("Infinity"), Number.parseFloat("1.5"), Number.parseInt("08"));

// expect: 42 -17 26 10 35 NaN 3 12
// expect: 3.14 0.5 -1000 NaN Infinity 1.5 8
