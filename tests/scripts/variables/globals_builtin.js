
console.log(typeof Math, typeof Object.keys, Math.PI > 3, NaN !== NaN, Infinity > 1e308);

// expect: object function true true true
