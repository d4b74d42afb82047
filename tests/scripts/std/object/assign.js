const target = { a: 1 };
const r = Object.assign(target, { b: 2 }, null, { a: 3 }, undefined);
console.log(r, r === target, Object.assign({}, "hi"), Object.assign({}, [5, 6]));

// expect: { a: 3, b: 2 } true { '0': 'h', '1': 'i' } { '0': 5, '1': 6 }
