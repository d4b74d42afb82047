function abc(a, b, c) {}
const arrow = (x) => x;
console.log(abc.name, abc.length, arrow.name, arrow.length);

// expect: abc 3 arrow 1
