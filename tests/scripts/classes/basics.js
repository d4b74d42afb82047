"use strict";
// Classes: fields, private members, statics, static blocks, accessors,
// extends (also of Error and Array), super calls and super.x, class
// expressions, arrows in fields, and calling a class without new.
class Animal {
  #secret = 42;
  static count = 0;
  legs = 4;
  constructor(name) { this.name = name; Animal.count++; }
  speak() { return `${this.name} makes a sound`; }
  get description() { return `${this.name} with ${this.legs} legs`; }
  set nickname(v) { this._nick = v; }
  reveal() { return this.#secret; }
  static create(n) { return new this(n); }
  #hidden() { return "hidden " + this.name; }
  callHidden() { return this.#hidden(); }
  static { this.initialized = true; }
}
class Dog extends Animal {
  constructor(name) { super(name); this.legs = 4; }
  speak() { return super.speak() + " (woof)"; }
  static create(n) { return super.create(n + "!"); }
}
const d = new Dog("Rex");
console.log(d.speak(), d.description, d.reveal(), d.callHidden());
console.log(Animal.count, Animal.initialized, Dog.create("Fido").name);
console.log(d instanceof Dog, d instanceof Animal, Object.keys(d), JSON.stringify(d));
console.log(d);
console.log(typeof Animal, Animal.name, Dog.name, Object.getPrototypeOf(Dog) === Animal);
try { Animal("x"); } catch (e) { console.log(e.constructor.name, e.message); }
class MyError extends Error {
  constructor(msg) { super(msg); this.name = "MyError"; }
}
const e = new MyError("boom");
console.log(e instanceof MyError, e instanceof Error, e.message, e.name, String(e));
class Stack extends Array {}
const s = new Stack();
s.push(1, 2);
console.log(s.length, s instanceof Stack, Array.isArray(s));
const Anon = class { x = 1; };
console.log(new Anon().x);
class Point {
  constructor(x, y) { this.x = x; this.y = y; }
  static #origin = null;
  static origin() { return Point.#origin ??= new Point(0, 0); }
  #check(o) { return #check in o; }
  equals(o) { return this.#check(o) && o.x === this.x; }
  toString() { return `(${this.x}, ${this.y})`; }
}
console.log(String(Point.origin()), new Point(1,2).equals(new Point(1,3)), new Point(1,2).equals({}));
class Counter { count = 0; inc = () => { this.count++; return this; }; }
const c = new Counter(); const inc = c.inc; inc(); inc();
console.log(c.count);
class A { static who() { return "A"; } hello() { return "A.hello"; } }
class B extends A { static who() { return super.who() + "B"; } hello() { const f = () => super.hello(); return f() + "+B"; } }
console.log(B.who(), new B().hello());

// expect: Rex makes a sound (woof) Rex with 4 legs 42 hidden Rex
// expect: 1 true Fido!
// expect: true true [ 'legs', 'name' ] {"legs":4,"name":"Rex"}
// expect: Dog { legs: 4, name: 'Rex' }
// expect: function Animal Dog true
// expect: TypeError Class constructor Animal cannot be invoked without 'new'
// expect: true true boom MyError MyError: boom
// expect: 2 true true
// expect: 1
// expect: (0, 0) true false
// expect: 2
// expect: AB A.hello+B
