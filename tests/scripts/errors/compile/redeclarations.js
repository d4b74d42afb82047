// Each redeclaration is reported at the second declaration.
let a = 1;
var a = 2;
function f(p) { let p = 1; return p; }
{ function g() {} function g() {} }
class C {}
class C {}
var ok = 1;
var ok = 2;
function h() {}
function h() {}
// expect error: 3:5: identifier `a` has already been declared
// expect error: 4:21: identifier `p` has already been declared
// expect error: 5:19: identifier `g` has already been declared
// expect error: 7:7: identifier `C` has already been declared
