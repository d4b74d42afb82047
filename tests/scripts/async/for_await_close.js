// for await leaves an iterator early the way for...of does: break, return,
// continue to an outer label and a throw from the body await its return();
// a throw from next() and a result that runs out do not call it; a
// return() that gives no object is a TypeError; each iteration's const is
// its own. The order node 20 prints.
const log = [];
function mk(name, n, opts = {}) {
  let i = 0;
  return {
    [Symbol.asyncIterator]() { return this; },
    next() { log.push(name + ".next"); if (opts.throwNext && i === 1) throw new Error("next threw"); return Promise.resolve(i < n ? { value: i++, done: false } : { value: undefined, done: true }); },
    return(v) { log.push(name + ".return"); if (opts.badReturn) return 5; return Promise.resolve({ done: true }); },
  };
}
async function main() {
  for await (const x of mk("a", 5)) { if (x === 1) break; }
  for await (const x of mk("b", 2)) {}
  try { for await (const x of mk("c", 5)) { throw new Error("body threw"); } } catch (e) { log.push(e.message); }
  try { for await (const x of mk("d", 5, { throwNext: true })) {} } catch (e) { log.push(e.message); }
  try { for await (const x of mk("e", 5, { badReturn: true })) { break; } } catch (e) { log.push(e.constructor.name); }
  const r = await (async () => { for await (const x of mk("f", 5)) { return x; } })();
  log.push("f gave " + r);
  outer: for (const k of [1, 2]) { for await (const x of mk("g" + k, 5)) { continue outer; } }
  lbl: for await (const x of mk("h", 3)) { for (const y of [1]) { continue lbl; } }
  for await (const [a, b] of mk("i", 0)) {}
  const fns = [];
  for await (const x of mk("j", 3)) fns.push(() => x);
  log.push(fns.map(f => f()).join(""));
  for await (const x of [Promise.resolve("s1"), "s2"]) log.push(x);
  console.log(log.join("|"));
}
main();
// expect: a.next|a.next|a.return|b.next|b.next|b.next|c.next|c.return|body threw|d.next|d.next|next threw|e.next|e.return|TypeError|f.next|f.return|f gave 0|g1.next|g1.return|g2.next|g2.return|h.next|h.next|h.next|h.next|i.next|j.next|j.next|j.next|j.next|012|s1|s2
