console.log(isNaN("abc"), isNaN("12"), Number.isNaN("abc"), Number.isNaN(NaN), isFinite("12"), Number.isFinite("12"), Number.isFinite(1 / 0));
console.log(Number.isInteger(5), Number.isInteger(5.5), Number.isInteger("5"), Number.isSafeInteger(2 ** 53), Number.isSafeInteger(2 ** 53 - 1));

// expect: true false false true true false false
// expect: true false false false true
