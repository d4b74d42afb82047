let a = 1;
const a = 2;
// expect error: 2:7: identifier `a` has already been declared
