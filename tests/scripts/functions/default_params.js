function greet(name = "world", punct = "!") { return "hello " + name + punct; }
console.log(greet(), greet("bob"), greet(undefined, "?"), greet(null));
const d = (a, b = a * 2) => a + b;
console.log(d(1), d(1, 1));

// expect: hello world! hello bob! hello world? hello null!
// expect: 3 2
