"use strict";
// `__proto__: v` in a literal sets its prototype; `super` in a literal's
// methods reads the literal's prototype; the `__proto__` accessor.
const base = { greet() { return "base"; }, get kind() { return "base-kind:" + this.name; } };
const o = {
  __proto__: base,
  name: "o",
  greet() { return "o+" + super.greet(); },
  get kind() { return "o/" + super.kind; },
  later() { return [1, 2].map(() => super.greet()).join(); },
};
console.log(o.greet(), o.kind, o.later(), Object.getPrototypeOf(o) === base);
console.log(Object.keys(o).join(), "__proto__" in o, o.hasOwnProperty("__proto__"));
const bare = { __proto__: null, x: 1 };
console.log(Object.getPrototypeOf(bare), typeof bare.toString);
const ignored = { __proto__: 5 };
console.log(Object.getPrototypeOf(ignored) === Object.prototype);
const own = { ["__proto__"]: 1 };
console.log(own.hasOwnProperty("__proto__"), Object.getPrototypeOf(own) === Object.prototype);
const p = {};
p.__proto__ = base;
console.log(p.greet(), p.__proto__ === base, ({}).__proto__ === Object.prototype);
// A method moved to another object keeps its home.
const other = { __proto__: { greet() { return "other"; } }, greet: o.greet };
console.log(other.greet());
// new.target in arrows and in a parent constructor run by super().
function F() { const a = () => new.target; return { t: a() }; }
console.log(new F().t === F, F().t === undefined);
class A { constructor() { this.made = new.target.name; } }
class B extends A {}
class C extends B { constructor() { super(); } }
console.log(new A().made, new B().made, new C().made);

// expect: o+base o/base-kind:o base,base true
// expect: name,greet,kind,later true false
// expect: null undefined
// expect: true
// expect: true true
// expect: base true true
// expect: o+base
// expect: true true
// expect: A B C
