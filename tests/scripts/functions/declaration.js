function add(a, b) { return a + b; }
console.log(add(2, 3), add("a", "b"));

// expect: 5 ab
