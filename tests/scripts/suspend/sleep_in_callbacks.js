// The array methods that call back let the callback wait: each sleep()
// parks the whole run, and the method carries on where it was.
const log = [];
const doubled = [1, 2, 3].map((x) => { sleep(1); log.push(x); return x * 2; });
console.log(doubled, log);
console.log([5, 1, 4, 2, 3].sort((a, b) => { sleep(0); return a - b; }));
console.log(["b", "a", "c"].toSorted((a, b) => { sleep(0); return a < b ? -1 : 1; }));
console.log([1, 2, 3, 4].filter((x) => { sleep(0); return x % 2 === 0; }));
console.log([1, 2, 3].reduce((acc, x) => { sleep(0); return acc + x; }, 10));
console.log([1, 2, 3].reduceRight((acc, x) => { sleep(0); return acc + x; }));
console.log([1, 2, 3].find((x) => { sleep(0); return x > 1; }));
console.log([1, 2, 3].findLastIndex((x) => { sleep(0); return x < 3; }));
console.log([1, 2, 3].some((x) => { sleep(0); return x === 2; }));
console.log([1, 2, 3].every((x) => { sleep(0); return x < 3; }));
console.log([1, 2].flatMap((x) => { sleep(0); return [x, x]; }));
console.log(Array.from({ length: 3 }, (_, i) => { sleep(0); return i * i; }));
let total = 0;
[1, 2, 3].forEach((x) => { sleep(0); total += x; });
console.log(total);
// Nested: a callback that waits inside a callback that waits.
console.log([[1, 2], [3]].map((row) => row.map((x) => { sleep(0); return x + 1; })));
// An exception thrown after a wait reaches the caller's catch.
try {
  [1, 2, 3].forEach((x) => { sleep(0); if (x === 2) throw new Error("stop at " + x); });
} catch (e) {
  console.log(e.message);
}
// A method the callback calls that waits (a helper with sleep inside).
function slowDouble(x) { sleep(1); return x * 2; }
console.log([4, 5].map(slowDouble));

// expect: [ 2, 4, 6 ] [ 1, 2, 3 ]
// expect: [ 1, 2, 3, 4, 5 ]
// expect: [ 'a', 'b', 'c' ]
// expect: [ 2, 4 ]
// expect: 16
// expect: 6
// expect: 2
// expect: 1
// expect: true
// expect: false
// expect: [ 1, 1, 2, 2 ]
// expect: [ 0, 1, 4 ]
// expect: 6
// expect: [ [ 2, 3 ], [ 4 ] ]
// expect: stop at 2
// expect: [ 8, 10 ]
