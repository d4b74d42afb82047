// A let/const/class binding cannot be read or written before its
// declaration runs: ReferenceError, wherever the access comes from.
function attempt(label, f) {
  try {
    console.log(label, f());
  } catch (e) {
    console.log(label, e.constructor.name, e.message);
  }
}

// In the declaring function's own code, before the declaration.
attempt("read before", () => {
  const r = x;
  let x = 1;
  return r;
});
attempt("write before", () => {
  x = 2;
  let x = 1;
  return x;
});
attempt("typeof before", () => {
  const t = typeof x;
  let x;
  return t;
});
attempt("own initialiser", () => {
  let x = x + 1;
  return x;
});
attempt("later parameter", () => {
  function f(a = b, b = 1) { return a; }
  return f();
});
attempt("earlier parameter", () => {
  function f(a = 1, b = a + 1) { return b; }
  return f();
});
attempt("pattern default", () => {
  const { a = b, b } = {};
  return a;
});

// From a hoisted function called before the declaration, and after.
attempt("hoisted, early", () => {
  const r = read();
  let v = "late";
  function read() { return v; }
  return r;
});
attempt("hoisted, after", () => {
  let v = "ready";
  return read();
  function read() { return v; }
});

// From a closure made before the declaration.
attempt("closure, early", () => {
  const f = () => w;
  const r = f();
  const w = 5;
  return r;
});
attempt("closure, after", () => {
  const f = () => w;
  const w = 5;
  return f();
});

// A switch's cases share one scope; a case may skip the declaration.
for (const k of [0, 1]) {
  attempt("switch " + k, () => {
    switch (k) {
      case 0:
        let z = "set";
      case 1:
        return z;
    }
  });
}

// Classes: `extends` its own name; members see the class.
attempt("extends itself", () => {
  class C extends C {}
  return C;
});
attempt("static method", () => {
  class D {
    static self() { return D; }
  }
  return D.self() === D;
});
attempt("class before", () => {
  const e = new E();
  class E {}
  return e;
});

// Loop bindings are fresh per iteration and never in a dead zone after.
const fns = [];
for (let i = 0; i < 3; i++) {
  let j = i * 2;
  fns.push(() => i + j);
}
console.log(fns.map((f) => f()).join(","));

// expect: read before ReferenceError Cannot access 'x' before initialization
// expect: write before ReferenceError Cannot access 'x' before initialization
// expect: typeof before ReferenceError Cannot access 'x' before initialization
// expect: own initialiser ReferenceError Cannot access 'x' before initialization
// expect: later parameter ReferenceError Cannot access 'b' before initialization
// expect: earlier parameter 2
// expect: pattern default ReferenceError Cannot access 'b' before initialization
// expect: hoisted, early ReferenceError Cannot access 'v' before initialization
// expect: hoisted, after ready
// expect: closure, early ReferenceError Cannot access 'w' before initialization
// expect: closure, after 5
// expect: switch 0 set
// expect: switch 1 ReferenceError Cannot access 'z' before initialization
// expect: extends itself ReferenceError Cannot access 'C' before initialization
// expect: static method true
// expect: class before ReferenceError Cannot access 'E' before initialization
// expect: 0,3,6
