const o = {};
const r = (o.a = 5);
o.b = o.c = 7;
console.log(r, o);

// expect: 5 { a: 5, c: 7, b: 7 }
