function f() {
  try { return "try"; } finally { console.log("cleanup"); }
}
console.log(f());

// expect: cleanup
// expect: try
