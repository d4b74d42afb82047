function f() {
  return super.x;
}
// expect error: 2:10: `super` is only valid in methods
