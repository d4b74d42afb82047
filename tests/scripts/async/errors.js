// Exceptions in async functions reject their promise; await throws a
// rejection's reason where it waits; try/catch/finally work across awaits.
async function fails() { throw new TypeError("bad input"); }
const p = fails();
console.log("a throw does not escape the call:", p instanceof Promise);
p.catch((e) => console.log("caught", e.name, e.message));
async function recovers() {
  try {
    await Promise.reject(new RangeError("too far"));
  } catch (e) {
    return "recovered from " + e.message;
  } finally {
    console.log("finally runs");
  }
}
recovers().then(console.log);
async function defaults(a = missing) { return a; }
defaults().catch((e) => console.log("a parameter's error rejects:", e.name));
async function chain() {
  let total = 0;
  for (const x of [1, 2, 3]) total += await Promise.resolve(x);
  return total;
}
chain().then((t) => console.log("total", t));
Promise.reject(new Error("late")).then(() => console.log("not run"), (e) => console.log("onRejected", e.message));
new Promise(() => { throw new Error("in executor"); }).catch((e) => console.log("executor", e.message));
const resolvedTwice = new Promise((resolve, reject) => { resolve(1); resolve(2); reject(3); });
resolvedTwice.then((v) => console.log("first resolution wins:", v));
const self = new Promise((r) => setResolve = r);
var setResolve;
setResolve(self);
self.catch((e) => console.log("self resolution:", e.constructor.name));

// expect: a throw does not escape the call: true
// expect: caught TypeError bad input
// expect: finally runs
// expect: a parameter's error rejects: ReferenceError
// expect: onRejected late
// expect: executor in executor
// expect: first resolution wins: 1
// expect: self resolution: TypeError
// expect: recovered from too far
// expect: total 6
