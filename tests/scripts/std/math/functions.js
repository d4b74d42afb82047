console.log(Math.abs(-5), Math.sqrt(2), Math.cbrt(27), Math.pow(2, 10), Math.exp(1) === Math.E, Math.log(Math.E), Math.log2(8), Math.log10(1000), Math.hypot(3, 4));
console.log(Math.sin(0), Math.cos(0), Math.tan(0), Math.atan2(1, 1) * 4, Math.asin(1) * 2, Math.acos(1), Math.atan(0), Math.sinh(0), Math.cosh(0), Math.tanh(0));
console.log(Math.expm1(0), Math.log1p(0), Math.fround(5.5), Math.asinh(0), Math.acosh(1), Math.atanh(0));

// expect: 5 1.4142135623730951 3 1024 true 1 3 3 5
// expect: 0 1 0 3.141592653589793 3.141592653589793 0 0 0 1 0
// expect: 0 0 5.5 0 0 0
