
console.log(parseInt("42px"), parseInt("ff", 16), parseFloat("3.14abc"), Number("12"), Number(""), Number("x"), isNaN("x"), (255).toString(16), (3.14159).toFixed(2));

// expect: 42 255 3.14 12 0 NaN true ff 3.14
