const o = { a: { b: 1 } };
console.log(o?.a?.b, o.x?.b, o.x?.b.c.d, null?.x);

// expect: 1 undefined undefined undefined
