// budget: 100000
// Calls are charged the length of the function called, so recursion with
// no loop in it runs out of budget too (fib(25) makes 242,785 calls).
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
console.log(fib(25));
// expect runtime error: RangeError: instruction budget exhausted (the budget is 100000 instructions)
