// Leaving a for…of early closes its iterator (calls its return()): with
// break, with return, and with break/continue to an outer loop — but not
// with continue of the loop itself, nor when the iterator runs out.
function counter(log, name) {
  let n = 0;
  return {
    [Symbol.iterator]() {
      return this;
    },
    next() {
      n++;
      return { value: n, done: n > 3 };
    },
    return() {
      log.push(name + " closed");
      return {};
    },
  };
}
const log = [];
function early() {
  for (const x of counter(log, "return")) {
    return x;
  }
}
early();
outer: for (const a of [1, 2]) {
  for (const x of counter(log, "continue outer")) {
    continue outer;
  }
}
outer2: for (const a of [1]) {
  for (const x of counter(log, "break outer")) {
    break outer2;
  }
}
for (const x of counter(log, "inner continue")) {
  for (const y of [1, 2]) {
    continue;
  }
}
for (const x of counter(log, "break")) {
  break;
}
function withFinally() {
  for (const x of counter(log, "after finally")) {
    try {
      return 1;
    } finally {
      log.push("finally ran");
    }
  }
}
withFinally();
console.log(log.join("\n"));

// expect: return closed
// expect: continue outer closed
// expect: continue outer closed
// expect: break outer closed
// expect: break closed
// expect: finally ran
// expect: after finally closed
