// async functions, arrows and methods; await on values, promises and
// thenables; the order jobs run in.
async function double(x) {
  const y = await x;
  return y * 2;
}
const log = [];
double(21).then((v) => log.push("double " + v));
const arrow = async (x) => (await x) + 1;
arrow(Promise.resolve(1)).then((v) => log.push("arrow " + v));
const thenable = { then(resolve) { resolve("from thenable"); } };
(async () => log.push(await thenable))();
class Counter {
  #n = 0;
  async add(k) { this.#n += await k; return this.#n; }
  static async make() { return new Counter(); }
}
Counter.make().then(async (c) => {
  await c.add(2);
  log.push("counter " + (await c.add(3)));
});
const obj = { async m() { return "method"; } };
obj.m().then((v) => log.push(v));
log.push("sync");
// The order of the microtask queue.
Promise.resolve().then(() => log.push("a1")).then(() => log.push("a2"));
Promise.resolve().then(() => log.push("b1")).then(() => log.push("b2"));
// Calling an async function runs its body up to the first await at once.
async function eager() { log.push("eager start"); await null; log.push("eager end"); }
eager();
log.push("after eager");
setTimeoutFree();
function setTimeoutFree() {
  Promise.resolve().then(() => Promise.resolve().then(() => Promise.resolve().then(() => {
    Promise.resolve().then(() => Promise.resolve().then(() => console.log(log.join("\n"))));
  })));
}
console.log(typeof double(1), double(1) instanceof Promise, Object.prototype.toString.call(double(1)));

// expect: object true [object Promise]
// expect: sync
// expect: eager start
// expect: after eager
// expect: method
// expect: a1
// expect: b1
// expect: eager end
// expect: double 42
// expect: arrow 2
// expect: from thenable
// expect: a2
// expect: b2
// expect: counter 5
