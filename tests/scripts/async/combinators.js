// Promise.all, allSettled, any, race, resolve, reject, finally.
const wait = (v) => Promise.resolve(v);
Promise.all([1, wait(2), (async () => 3)()]).then((v) => console.log("all", JSON.stringify(v)));
Promise.all([wait(1), Promise.reject(new Error("no"))]).catch((e) => console.log("all rejects", e.message));
Promise.all([]).then((v) => console.log("all of none", v.length));
Promise.allSettled([wait("ok"), Promise.reject("bad")]).then((r) => console.log("allSettled", JSON.stringify(r)));
Promise.any([Promise.reject(1), wait(2)]).then((v) => console.log("any", v));
Promise.race([new Promise(() => {}), wait("fast")]).then((v) => console.log("race", v));
Promise.resolve(wait(5)).then((v) => console.log("resolve unwraps", v));
const p = wait(1);
console.log("resolve returns the same promise:", Promise.resolve(p) === p);
wait(7).finally(() => console.log("finally sees no value")).then((v) => console.log("then after finally", v));
Promise.reject(new Error("kept")).finally(() => {}).catch((e) => console.log("finally passes the reason", e.message));
Promise.all([wait("iterable")]).then((v) => console.log(v[0]));
function* gen() { yield wait("from a generator"); }
Promise.all(gen()).then((v) => console.log(v[0]));
class MyPromise extends Promise {}
const mine = MyPromise.resolve(1).then((x) => x);
console.log("subclass then:", mine instanceof MyPromise);

// expect: resolve returns the same promise: true
// expect: subclass then: true
// expect: all of none 0
// expect: resolve unwraps 5
// expect: finally sees no value
// expect: all [1,2,3]
// expect: all rejects no
// expect: allSettled [{"status":"fulfilled","value":"ok"},{"status":"rejected","reason":"bad"}]
// expect: any 2
// expect: race fast
// expect: iterable
// expect: from a generator
// expect: then after finally 7
// expect: finally passes the reason kept
