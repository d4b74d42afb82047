console.log(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.EPSILON > 0, Number.EPSILON < 1e-15, Number.MAX_VALUE > 1e308, Number.MIN_VALUE);

// expect: 9007199254740991 -9007199254740991 true true true 5e-324
