const o = { a = 1 };
// expect error: 1:13: invalid shorthand property initializer (`=` is only allowed in destructuring)
