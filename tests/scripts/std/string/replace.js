console.log("a-b-c".replace("-", "+"), "a-b-c".replaceAll("-", "+"), "aaa".replace("a", "b"), "abc".replace("x", "y"));
console.log("price: 10".replace("10", "$&0"), "x".replaceAll("", "_"));
console.log("a1b1".replace("1", (m, i) => `[${m}@${i}]`), "a1b1".replaceAll("1", m => m + m));

// expect: a+b-c a+b+c baa abc
// expect: price: 100 _x_
// expect: a[1@1]b1 a11b11
