const src = { a: 1, b: 2, c: 3 };
const { a, ...rest } = src;
const copy = { ...src };
console.log(rest, copy, Object.keys(rest), Object.assign({}, src));

// expect: { b: 2, c: 3 } { a: 1, b: 2, c: 3 } [ 'b', 'c' ] { a: 1, b: 2, c: 3 }
