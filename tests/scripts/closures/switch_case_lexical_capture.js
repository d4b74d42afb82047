// `let` in switch cases captured by closures, and case tests evaluated in
// the cases' scope (test262 language/statements/switch/scope-lex-*): this
// panicked the VM ("a captured slot always holds a cell").
function f() {
  switch (1) {
    case 1:
      let y = 2;
      var g = () => y;
  }
  return g();
}
console.log(f());
// expect: 2
let x = "outside";
var probeExpr, probeSelector, probeStmt;
switch ((probeExpr = function () { return x; }), null) {
  case ((probeSelector = function () { return x; }), null):
    probeStmt = function () { return x; };
    let x = "inside";
}
console.log(probeExpr(), probeSelector(), probeStmt());
// expect: outside inside inside
