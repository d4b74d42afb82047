// Function.prototype.bind: a bound `this` and leading arguments; the bound
// function's name and length; binding again; bound methods as callbacks.
function greet(greeting, punct) { return `${greeting}, ${this.name}${punct}`; }
const ann = { name: "Ann" };
const hi = greet.bind(ann, "Hi");
console.log(hi("!"), hi.name, hi.length, greet.length);
const both = greet.bind(ann, "Yo", "?");
console.log(both(), both.length);
const again = hi.bind({ name: "Bob" }, "?");
console.log(again(), again.name);
const add = (a, b) => a + b;
const inc = add.bind(null, 1);
console.log([1, 2, 3].map(inc).join(","), inc.call(null, 41), inc.apply(null, [9]));
const counter = { n: 0, tick() { this.n += 1; return this.n; } };
const tick = counter.tick.bind(counter);
tick(); tick();
console.log(counter.n, typeof tick, tick instanceof Function);
const mathMax = Math.max.bind(null, 5);
console.log(mathMax(1, 2), mathMax(9), mathMax.name);
try { greet.bind.call(42); } catch (e) { console.log(e instanceof TypeError); }
// `new` on a bound function constructs its target (bound arguments first).
function P(x) { this.x = x; }
console.log(new (P.bind(null, 7))().x);
// expect: Hi, Ann! bound greet 1 2
// expect: Yo, Ann? 0
// expect: Hi, Ann? bound bound greet
// expect: 2,3,4 42 10
// expect: 2 function true
// expect: 5 9 bound max
// expect: true
// expect: 7
