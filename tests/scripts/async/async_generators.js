// Async generators: next/return/throw give promises, requests queue, await
// inside, errors reject the pending request, methods and statics.
async function* count(n) {
  for (let i = 0; i < n; i++) {
    await null;
    yield i;
  }
  return "end";
}
const it = count(3);
console.log(Object.prototype.toString.call(it), typeof it[Symbol.asyncIterator]);
it.next().then((r) => console.log(JSON.stringify(r)));
it.next().then((r) => console.log(JSON.stringify(r)));
it.next().then((r) => console.log(JSON.stringify(r)));
it.next().then((r) => console.log(JSON.stringify(r)));
it.next().then((r) => console.log(JSON.stringify(r)));
async function* failing() { yield 1; throw new Error("gen failed"); }
const f = failing();
f.next().then((r) => console.log("f1", r.value));
f.next().catch((e) => console.log("f2", e.message));
f.next().then((r) => console.log("f3", r.done));
const r = count(5);
r.next().then(() => r.return("early")).then((x) => console.log("return", JSON.stringify(x)));
const o = { async *m() { yield await Promise.resolve("from method"); } };
o.m().next().then((x) => console.log(x.value));
class C { static async *s() { yield "static"; } }
C.s().next().then((x) => console.log(x.value));
count(1).throw(new Error("before start")).catch((e) => console.log("throw", e.message));

// expect: [object AsyncGenerator] function
// expect: throw before start
// expect: f1 1
// expect: f2 gen failed
// expect: f3 true
// expect: static
// expect: {"value":0,"done":false}
// expect: from method
// expect: {"value":1,"done":false}
// expect: return {"value":"early","done":true}
// expect: {"value":2,"done":false}
// expect: {"value":"end","done":true}
// expect: {"done":true}
