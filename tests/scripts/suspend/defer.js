// defer(): after the script ends, last registered first, even after a throw
// inside a function; errors in one do not stop the others.
defer(() => console.log("registered first, runs last"));
function work() {
  defer(() => { sleep(1); console.log("second"); });
  try {
    throw new Error("boom");
  } catch (e) {
    console.log("caught", e.message);
  }
}
work();
defer(() => { throw new Error("a failing deferred function"); });
go(() => console.log("background runs after the deferred ones"));
console.log("end of script");
// expect: caught boom
// expect: end of script
// expect: a deferred function failed: Uncaught Error: a failing deferred function
// expect:     at <anonymous> (tests/scripts/suspend/defer.js:13:21)
// expect: second
// expect: registered first, runs last
// expect: background runs after the deferred ones
