function f(x) {
  const out = [];
  switch (x) {
    case "a": out.push("a");
    default: out.push("d");
    case "b": out.push("b");
  }
  return out;
}
console.log(f("a"), f("b"), f("z"));

// expect: [ 'a', 'd', 'b' ] [ 'b' ] [ 'd', 'b' ]
