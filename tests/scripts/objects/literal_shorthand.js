const a = 1, b = "two";
const o = { a, b, c: a + 1 };
console.log(o);

// expect: { a: 1, b: 'two', c: 2 }
