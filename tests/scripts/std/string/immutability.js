const s = "abc";
const t2 = s.toUpperCase();
console.log(s, t2, s.replace("a", "z"), s);

// expect: abc ABC zbc abc
