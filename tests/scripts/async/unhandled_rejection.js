// A rejection that no handler took by the time the jobs are done fails the
// run, as node does by default; one handled later in the same jobs does not.
Promise.reject(new Error("handled later")).catch((e) => console.log("caught", e.message));
const late = Promise.reject(new Error("handled in a job"));
Promise.resolve().then(() => late.catch(() => console.log("caught in a job")));
async function fails() { await null; throw new TypeError("nobody waits"); }
fails();
console.log("end");
// expect: end
// expect: caught handled later
// expect: caught in a job
// expect runtime error: (in promise) TypeError: nobody waits
