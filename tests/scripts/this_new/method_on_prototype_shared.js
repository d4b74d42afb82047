function C(v) { this.v = v; }
C.prototype.get = function () { return this.v; };
const a = new C(1), b = new C(2);
console.log(a.get(), b.get(), a.get === b.get);

// expect: 1 2 true
