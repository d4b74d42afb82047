// An iterator is closed (its return() called) when array destructuring
// takes fewer values than it has, and when `break` leaves a for…of early;
// not when the loop or the iterator ends on its own.
function counter(log) {
  return {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next: () => ({ value: i++, done: i > 5 }),
        return() { log.push("closed at " + i); return {}; },
      };
    },
  };
}
const log = [];
for (const x of counter(log)) { if (x === 2) break; }
const [a, b] = counter(log);
for (const x of counter(log)) {}
const [...all] = counter(log);
const { 0: first, length } = ["x", "y"];
console.log(log.join("; "), a, b, all.length, first, length);

// expect: closed at 3; closed at 2 0 1 5 x 2
