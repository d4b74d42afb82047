function f() {
  try { return 1; } finally { return 2; }
}
console.log(f());

// expect: 2
