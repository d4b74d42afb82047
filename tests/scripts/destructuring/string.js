const [a, b] = "hi";
console.log(a, b);

// expect: h i
