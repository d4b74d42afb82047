const e = new TypeError("bad thing");
console.log(e.stack.split("\n")[0], typeof e.stack);

// expect: TypeError: bad thing string
