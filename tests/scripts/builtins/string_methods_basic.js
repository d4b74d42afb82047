const s = "Hello, World";
console.log(s.toUpperCase(), s.toLowerCase(), s.indexOf("o"), s.slice(7), s.split(", "), s.includes("World"), s.startsWith("He"));
console.log("  pad ".trim(), "ab".repeat(3), "5".padStart(3, "0"), "a-b-c".replaceAll("-", "+"), "x".concat("y", 1));

// expect: HELLO, WORLD hello, world 4 World [ 'Hello', 'World' ] true true
// expect: pad ababab 005 a+b+c xy1
