// parallel(): array and object shapes, branches that wait, nesting, errors.
const order = [];
const r = parallel([
  () => { sleep(30); order.push("slow"); return 1; },
  () => { sleep(5); order.push("fast"); return 2; },
  () => 3,
]);
console.log(r, order);
// expect: [ 1, 2, 3 ] [ 'fast', 'slow' ]
const { a, b } = parallel({ a: () => "A", b: () => { sleep(1); return { nested: parallel([() => "x", () => "y"]) }; } });
console.log(a, b.nested.join(""));
// expect: A xy
console.log(JSON.stringify(parallel([])), JSON.stringify(parallel({})));
// expect: [] {}
let finished = 0;
try {
  parallel([
    () => { sleep(10); finished++; throw new RangeError("second"); },
    () => { finished++; throw new TypeError("first in order"); },
    () => { sleep(20); finished++; return "ok"; },
  ]);
} catch (e) {
  // Every branch ran to its end; the first failing branch (in order) wins.
  console.log(e.name, e.message, finished);
}
// expect: RangeError second 3
try { parallel([1]); } catch (e) { console.log(e.message); }
// expect: 1 is not a function (in parallel)
try { parallel("no"); } catch (e) { console.log(e.message); }
// expect: parallel needs an array or an object of functions
