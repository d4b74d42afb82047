let a = 2 * 3 + 4;
let b = a * a - 1;
console.log(b % 7, -b, b ** 2);
