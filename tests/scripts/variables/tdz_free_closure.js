function get() { return later; }
let later = "set";
console.log(get());

// expect: set
