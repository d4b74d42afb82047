let a = 1, b = a + 1, c;
console.log(a, b, c);
var x, y = 2;
console.log(x, y);

// expect: 1 2 undefined
// expect: undefined 2
