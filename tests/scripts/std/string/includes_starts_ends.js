const s = "hello world";
console.log(s.includes("lo w"), s.includes("xyz"), s.startsWith("hell"), s.startsWith("world"), s.endsWith("world"), s.endsWith(""), s.includes(""));

// expect: true false true false true true true
