const s = `line one
line two`;
console.log(s);

// expect: line one
// expect: line two
