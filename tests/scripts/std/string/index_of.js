const s = "banana";
console.log(s.indexOf("an"), s.indexOf("an", 2), s.indexOf("x"), s.lastIndexOf("an"), s.lastIndexOf("b"), s.indexOf(""), "ñandú".indexOf("dú"));

// expect: 1 3 -1 3 0 0 3
