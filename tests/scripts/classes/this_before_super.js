// In a derived constructor `this` exists once `super()` has returned:
// before, reading it (or returning without calling super) is a
// ReferenceError; an arrow made earlier sees it afterwards.
class A {
  constructor(v) {
    this.v = v;
  }
}
class B extends A {
  constructor() {
    super(1);
    this.w = 2;
  }
}
console.log(JSON.stringify(new B()));
class NoSuper extends A {
  constructor() {}
}
class Early extends A {
  constructor() {
    this.x = 1;
    super();
  }
}
for (const C of [NoSuper, Early]) {
  try {
    new C();
  } catch (e) {
    console.log(C.name, e.constructor.name, e.message);
  }
}
class Arrow extends A {
  constructor() {
    const f = () => this;
    super(3);
    console.log("arrow sees", f().v);
  }
}
new Arrow();
class Override extends A {
  constructor() {
    return { own: true };
  }
}
console.log(JSON.stringify(new Override()));
class Default extends A {}
console.log(new Default(4).v);
class Field extends A {
  x = 5;
  constructor() {
    (() => super(6))();
  }
}
console.log(new Field().x, new Field().v);
// (`return;` before a `finally` that calls super() is test262's
// derived-class-return-override-finally-super.js; node 20 differs.)

// expect: {"v":1,"w":2}
// expect: NoSuper ReferenceError Must call super constructor in derived class before accessing 'this' or returning from derived constructor
// expect: Early ReferenceError Must call super constructor in derived class before accessing 'this' or returning from derived constructor
// expect: arrow sees 3
// expect: {"own":true}
// expect: 4
// expect: 5 6
