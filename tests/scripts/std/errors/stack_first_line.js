function inner() { return new RangeError("deep"); }
const e = inner();
console.log(e.stack.split("\n")[0], e.stack.split("\n").length > 1);

// expect: RangeError: deep true
