let n = 0;
const o = null;
o?.f(n++);
console.log(n);

// expect: 0
