function name(n) {
  switch (n) {
    case 1: return "one";
    case 2: return "two";
    default: return "many";
  }
}
console.log(name(1), name(2), name(7));

// expect: one two many
