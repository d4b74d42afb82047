// `var f` and `function f` in one scope are one binding; the function reading
// its own name from inside used to panic the VM (a captured slot without a cell).
function g() { return typeof g; }
console.log(g());
var g = 5;
console.log(typeof g);
function outer() {
  function h() { return typeof h; }
  const r = h();
  var h = 1;
  return r + " " + typeof h;
}
console.log(outer());
function outer2() {
  var k;
  function k() { return typeof k; }
  return k();
}
console.log(outer2());
function dup() { return "a" + typeof dup; }
function dup() { return "b" + (dup === dup); }
console.log(dup());

// expect: function
// expect: number
// expect: function number
// expect: function
// expect: btrue
