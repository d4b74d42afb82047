// An async function runs on the fiber's frames: it may wait for I/O before
// its first `await`, after one (resumed from a promise job), in a loop of
// awaits, in `finally`, and in a reaction of `then`; the order of the
// output is the specification's, with the waits in between.
const order = [];
async function before() { sleep(5); order.push("before"); return await "b"; }
async function after() { await null; sleep(5); order.push("after"); return "a"; }
async function loop() {
  let n = 0;
  for (let i = 0; i < 3; i++) { await i; sleep(1); n += i; }
  return n;
}
async function cleans() {
  try { await Promise.reject(new Error("no")); }
  catch (e) { sleep(1); order.push("caught " + e.message); }
  finally { sleep(1); order.push("finally"); }
}
const p = before();
order.push("sync");
const q = after();
Promise.resolve(1).then((v) => { sleep(2); order.push("then " + v); });
Promise.all([p, q, loop(), cleans()]).then((results) => {
  console.log(order.join(", "));
  console.log(results.join(", "));
});
// An async arrow that throws after waiting rejects its promise.
(async () => { await 0; sleep(1); throw new TypeError("late"); })()
  .catch((e) => console.log("rejected:", e.name, e.message));
// expect: rejected: TypeError late
// expect: before, sync, after, then 1, caught no, finally
// expect: b, a, 3, 
