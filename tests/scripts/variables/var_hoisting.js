console.log(v);
var v = 5;
console.log(v);
function f() {
  if (true) { var inner = "in"; }
  return inner;
}
console.log(f());

// expect: undefined
// expect: 5
// expect: in
