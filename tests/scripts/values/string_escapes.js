console.log("line1\nline2");
console.log("q: \"x\" \\ done", '\x41\x42');

// expect: line1
// expect: line2
// expect: q: "x" \ done AB
