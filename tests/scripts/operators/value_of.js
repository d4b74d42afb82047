// Objects become primitives as in JavaScript: a script's valueOf first
// (arithmetic, comparison, +), toString for strings and as the fallback.
const m = { valueOf() { return 7; }, toString() { return "seven"; } };
console.log(m + 1, m * 2, +m, `${m}`, String(m), m > 6, [m] + "");
const d = new Date(0);
console.log(typeof (d + 1), d - 0, +d);
const o = { toString() { return "5"; } };
console.log(o * 2, o + 1);
const weird = { valueOf() { return {}; }, toString() { return "3"; } };
console.log(weird * 2);
console.log([1,2] * 1, [5] * 2, ({}) * 1);

// expect: 8 14 7 seven seven true seven
// expect: string 0 0
// expect: 10 51
// expect: 6
// expect: NaN 10 NaN
