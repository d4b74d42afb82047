// The hidden globals the compiler calls (%template, %asyncIterator's
// iterators) refuse what a script could pass them by hand with a TypeError,
// never a crash; new.target is valid in a function's parameters.
try { globalThis["%template"](1, 2); } catch (e) { console.log(e.name); }
try { globalThis["%template"]({}, {}); } catch (e) { console.log(e.name); }
const w = globalThis["%asyncIterator"]([1]);
const next = Object.getPrototypeOf(w).next;
try { next.call([{}]); } catch (e) { console.log(e.name); }
try { next.call(Object.create(Object.getPrototypeOf(w))); } catch (e) { console.log(e.name); }
function f(a = new.target) { return a; }
console.log(f(), new f() instanceof f);

// expect: TypeError
// expect: TypeError
// expect: TypeError
// expect: TypeError
// expect: undefined false
