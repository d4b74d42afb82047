function add(a, b, a) {
  return a + b;
}
// expect error: 1:20: duplicate parameter name `a`
