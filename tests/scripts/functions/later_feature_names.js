// The words of later features stay ordinary names where JavaScript
// scripts allow them, and `/` after a value divides.
const async = (x) => x * 2;
const await = 3;
const o = { import: 1, export: 2 };
const a = 10, b = 2, c = 5;
let x = 8;
x /= 2;
console.log(async(await), o.import + o.export, a / b / c, (a) / 2, [8][0] / 4, `6` / 3, x);
// expect: 6 3 1 5 2 2 4
