const o = { a: 1 };
o.a();
// expect runtime error: TypeError: o.a is not a function
