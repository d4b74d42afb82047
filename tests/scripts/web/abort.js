// AbortController and AbortSignal: abort once with an AbortError (or the
// reason given), onabort and listeners, throwIfAborted, AbortSignal.abort,
// AbortSignal.timeout's TimeoutError, and fetch refusing an aborted signal.
// The expected lines are node 20's.
const c = new AbortController();
const seen = [];
c.signal.onabort = (e) => seen.push("onabort " + e.type);
const l = () => seen.push("listener");
c.signal.addEventListener("abort", l);
console.log(c.signal.aborted, c.signal.reason);
c.abort();
c.abort("again");
console.log(c.signal.aborted, c.signal.reason.name, c.signal.reason instanceof DOMException, seen.join(", "));
try { c.signal.throwIfAborted(); } catch (e) { console.log("thrown", e.name); }
const r = AbortSignal.abort("why");
console.log(r.aborted, r.reason);
try { new AbortSignal(); } catch (e) { console.log(e.name); }
const t = AbortSignal.timeout(20);
t.addEventListener("abort", () => console.log("timeout fired", t.reason.name));
console.log(t.aborted);
fetch("http://127.0.0.1:9/", { signal: c.signal }).catch((e) => console.log("fetch", e.name));
const c2 = new AbortController(); c2.abort(new Error("mine"));
fetch("http://127.0.0.1:9/", { signal: c2.signal }).catch((e) => console.log("fetch", e.message));
setTimeout(() => console.log("after", t.aborted), 60);
// expect: false undefined
// expect: true AbortError true onabort abort, listener
// expect: thrown AbortError
// expect: true why
// expect: TypeError
// expect: false
// expect: fetch AbortError
// expect: fetch mine
// expect: timeout fired TimeoutError
// expect: after true
