outer: {
  console.log("in");
  if (true) break outer;
  console.log("skipped");
}
console.log("out");

// expect: in
// expect: out
