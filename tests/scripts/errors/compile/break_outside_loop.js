function f() { break; }
// expect error: 1:16: `break` outside of a loop
