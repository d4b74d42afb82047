// `Function` is the constructor of every function; making one from a
// string is refused (Kitwork compiles files, never strings).
function f() {}
const arrow = () => 1;
console.log(typeof Function, Function.name, Function.length);
console.log(Function.prototype === Object.getPrototypeOf(f), f.constructor === Function);
console.log(f instanceof Function, arrow instanceof Function, Function.prototype.constructor === Function);
try {
  Function("return 1");
} catch (e) {
  console.log(e instanceof TypeError);
}
// expect: function Function 1
// expect: true true
// expect: true true true
// expect: true
