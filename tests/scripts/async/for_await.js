// for await over async generators, arrays of promises and plain values;
// break, continue, labels, destructuring heads, rejected elements; yield*
// in an async generator.
async function* gen() { yield 1; yield 2; yield 3; }
async function main() {
  let sum = 0;
  for await (const x of gen()) sum += x;
  console.log("sum", sum);
  const seen = [];
  for await (const v of [Promise.resolve("a"), "b", Promise.resolve("c")]) seen.push(v);
  console.log(seen.join());
  let last;
  outer: for await (last of gen()) { if (last === 2) break outer; }
  console.log("last", last);
  for await (const { k } of [{ k: 1 }]) console.log("k", k);
  try {
    for await (const x of [Promise.reject(new Error("rejected element"))]) console.log(x);
  } catch (e) { console.log("caught", e.message); }
  let n = 0;
  for await (const x of gen()) { if (x === 1) continue; n += x; }
  console.log("n", n);
}
async function* inner() { yield 1; yield 2; return "inner done"; }
async function* outer() { const r = yield* inner(); yield r; yield* [Promise.resolve(3), 4]; }
main().then(async () => { const out = []; for await (const v of outer()) out.push(v); console.log(out.join()); });

// expect: sum 6
// expect: a,b,c
// expect: last 2
// expect: k 1
// expect: caught rejected element
// expect: n 5
// expect: 1,2,inner done,3,4
