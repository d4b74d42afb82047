const o = { a: 1, b: 2 };
console.log(delete o.a, o, "a" in o);
const k = "b";
delete o[k];
console.log(o);

// expect: true { b: 2 } false
// expect: {}
