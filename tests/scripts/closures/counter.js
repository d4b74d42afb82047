function counter() {
  let n = 0;
  return { inc: () => ++n, get: () => n };
}
const c = counter();
c.inc(); c.inc();
console.log(c.get());
const d = counter();
console.log(d.inc(), c.get());

// expect: 2
// expect: 1 2
