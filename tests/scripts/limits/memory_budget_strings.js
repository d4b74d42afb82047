// memory: 100000
let s = "x";
while (true) s += s;
// expect runtime error: RangeError: memory limit exceeded
