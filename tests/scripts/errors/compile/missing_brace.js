function f() {
  return 1;
// expect error: 1:14: expected `}` to close this block, found end of input
