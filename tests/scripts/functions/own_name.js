// A function reads its own name as the running closure only while nothing
// assigns that name; every write below must still be seen from inside.

// Plain recursion, and the name is the function itself.
function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }
console.log(fact(10), (function () { return fact === fact; })());
function me() { return me; }
console.log(me() === me);

// Reassigned later: the recursive call goes to the new value.
function countdown(n) { return n === 0 ? "done" : countdown(n - 1); }
const original = countdown;
countdown = (n) => "replaced at " + n;
console.log(original(3));

// Updated with ++ (the name becomes a number).
function bump() { return typeof bump; }
console.log(bump());
let saved = bump;
bump++;
console.log(saved(), bump);

// A later `var` of the same name writes it.
function later() { return later; }
var later = 5;
console.log(typeof later);

// Two declarations: the second wins, also inside the first.
function twice() { return "first"; }
function twice() { return "second"; }
console.log(twice());

// A named function expression sees itself.
const fe = function inner(n) { return n === 0 ? inner : inner(n - 1); };
console.log(fe(3) === fe);

// Shadowed by a parameter or a local: the shadow wins.
function shadow(shadow) { return shadow; }
console.log(shadow(7));
function local() { const local = "local"; return local; }
console.log(local());

// Captured by an inner arrow as well as read directly.
function both(n) {
  const again = () => both;
  return n === 0 ? again() === both : both(n - 1);
}
console.log(both(2));

// Properties set on the function through its own name.
function counter() { counter.calls = (counter.calls || 0) + 1; return counter.calls; }
counter(); counter();
console.log(counter());

// expect: 3628800 true
// expect: true
// expect: replaced at 2
// expect: function
// expect: number NaN
// expect: number
// expect: second
// expect: true
// expect: 7
// expect: local
// expect: true
// expect: 3
