throw
new Error("x");
// expect error: 2:1: expected an expression after `throw` on the same line
