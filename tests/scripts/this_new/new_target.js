// new.target: the function `new` called, undefined in a plain call.
function F() { return new.target === F; }
console.log(new F() instanceof F, F());
function G() { this.t = new.target; }
console.log(new G().t === G, typeof G.call({}));
class A { constructor() { this.kind = new.target === A ? "A" : "other"; } }
console.log(new A().kind);
function H() { if (!new.target) return "called"; this.x = 1; }
console.log(H(), new H().x);

// expect: true false
// expect: true undefined
// expect: A
// expect: called 1
