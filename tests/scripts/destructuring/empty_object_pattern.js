// An object pattern refuses null and undefined even when it reads nothing.
function attempt(label, f) {
  try {
    console.log(label, f());
  } catch (e) {
    console.log(label, e.constructor.name);
  }
}
attempt("empty, null", () => { const {} = null; return "bound"; });
attempt("empty, undefined", () => { let {} = undefined; return "bound"; });
attempt("empty, number", () => { const {} = 1; return "bound"; });
attempt("rest, null", () => { const { ...r } = null; return r; });
attempt("rest, string", () => { const { ...r } = "ab"; return JSON.stringify(r); });
attempt("parameter", () => { function f({}) { return "called"; } return f(null); });
attempt("parameter default", () => { function f({} = {}) { return "called"; } return f(); });
attempt("assignment", () => { ({} = null); return "assigned"; });

// expect: empty, null TypeError
// expect: empty, undefined TypeError
// expect: empty, number bound
// expect: rest, null TypeError
// expect: rest, string {"0":"a","1":"b"}
// expect: parameter TypeError
// expect: parameter default called
// expect: assignment TypeError
