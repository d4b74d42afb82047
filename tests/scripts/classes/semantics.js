"use strict";
// What the class syntax means beyond the basics: methods are not
// enumerable nor constructors, prototype is fixed, private brand checks,
// new.target-free inheritance of static members, and class printing.
class A {
  #x = 1;
  m() {}
  static s() {}
  get g() { return 1; }
  static isA(o) { return #x in o; }
  read(o) { return o.#x; }
}
console.log(Object.keys(A.prototype), Object.getOwnPropertyNames(A.prototype));
const d = Object.getOwnPropertyDescriptor(A, "prototype");
console.log(d.writable, d.enumerable, d.configurable);
const md = Object.getOwnPropertyDescriptor(A.prototype, "m");
console.log(md.writable, md.enumerable, md.configurable);
try { new A.prototype.m(); } catch (e) { console.log(e.constructor.name); }
console.log(A.isA(new A()), A.isA({}));
try { new A().read({}); } catch (e) { console.log(e.constructor.name); }
class B extends A { static t() { return this.s === A.s; } }
console.log(B.t(), Object.getPrototypeOf(B) === A, Object.getPrototypeOf(B.prototype) === A.prototype);
console.log(new B(), JSON.stringify(new B()), A.isA(new B()));
class Null extends null {}
console.log(Object.getPrototypeOf(Null.prototype));
try { class X extends 3 {} } catch (e) { console.log(e.constructor.name); }
class Fields { a = this.constructor.name; b = this.a + "!"; ["c" + 1] = 3; static d = Fields.name; }
console.log(new Fields(), Fields.d);
class Base { constructor() { return { replaced: true }; } }
class Derived extends Base { constructor() { super(); this.after = 1; } }
console.log(new Derived());

// expect: [] [ 'constructor', 'm', 'g', 'read' ]
// expect: false false false
// expect: true false true
// expect: TypeError
// expect: true false
// expect: TypeError
// expect: true true true
// expect: B {} {} true
// expect: null
// expect: TypeError
// expect: Fields { a: 'Fields', b: 'Fields!', c1: 3 } Fields
// expect: { replaced: true, after: 1 }
