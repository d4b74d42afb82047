const s = "abcdef";
console.log(s.indexOf("c", -5), s.slice(-100, 2), s.substring(4, -1), s.charAt(2.9), s.at(-0), s.padStart(-1, "x"));

// expect: 2 ab abcd c a abcdef
