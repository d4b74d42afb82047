// A closure in a parameter default sees the outer `x`, not the body's
// `var x` (test262 language/*/scope-paramsbody-var-open): this panicked
// the compiler's resolver check, and the VM in release builds.
var x = "outside";
var probeParams, probeBody;
((_ = (probeParams = function () { return x; })) => {
  var x = "inside";
  probeBody = function () { return x; };
})();
console.log(probeParams(), probeBody());
// expect: outside inside
function g(a = 1, read = () => a) {
  var a;
  return [a, read()];
}
console.log(g(5).join(" "));
// expect: 5 5
