const base = { a: 1, b: 2 };
const o = { ...base, b: 3, c: 4 };
console.log(o, { ...null, ...undefined, ...[7, 8] });

// expect: { a: 1, b: 3, c: 4 } { '0': 7, '1': 8 }
