// setTimeout with arguments, clearTimeout, setInterval until cleared, a
// timer awaited through a promise, the jobs a timer's callback queues, and
// the order node 20 prints them in (ids are numbers here, as in browsers).
const t0 = Date.now();
const order = [];
setTimeout(() => order.push("t300"), 300);
setTimeout((a, b) => order.push("t10 " + a + b), 10, "x", "y");
const cancel = setTimeout(() => order.push("never"), 5);
clearTimeout(cancel);
let n = 0;
const iv = setInterval(() => { order.push("iv" + ++n); if (n === 3) clearInterval(iv); }, 5);
Promise.resolve().then(() => order.push("micro"));
(async () => { await new Promise((r) => setTimeout(r, 200)); order.push("waited"); })();
setTimeout(() => { console.log(order.join(", ")); console.log(Date.now() - t0 >= 400); }, 400);
setTimeout(() => { Promise.resolve().then(() => order.push("micro in timer")); order.push("t0"); }, 0);
try { setTimeout("code", 1); } catch (e) { console.log(e.name); }
console.log(typeof setTimeout(() => {}, 1), typeof scheduler.wait(1).then);
// expect: TypeError
// expect: number function
// expect: micro, t0, micro in timer, iv1, t10 xy, iv2, iv3, waited, t300
// expect: true
