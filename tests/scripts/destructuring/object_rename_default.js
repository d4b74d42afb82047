const { a: x, b: y = 5, c = "dflt" } = { a: 1 };
console.log(x, y, c);

// expect: 1 5 dflt
