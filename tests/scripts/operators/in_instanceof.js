function C() {}
const c = new C();
console.log(c instanceof C, c instanceof Object, [] instanceof Array, [] instanceof Object, "x" in { x: 1 });

// expect: true true true true true
