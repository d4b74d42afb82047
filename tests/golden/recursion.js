// A recursive function calls itself through LoadSelf: no upvalue, no cell.
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
console.log(fib(10));
