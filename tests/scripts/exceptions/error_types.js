const errs = [new Error("a"), new TypeError("b"), new RangeError("c"), new SyntaxError("d"), new ReferenceError("e")];
for (const e of errs) console.log(e.name, e.message, e instanceof Error, String(e));
console.log(errs[1] instanceof TypeError, errs[1] instanceof RangeError);

// expect: Error a true Error: a
// expect: TypeError b true TypeError: b
// expect: RangeError c true RangeError: c
// expect: SyntaxError d true SyntaxError: d
// expect: ReferenceError e true ReferenceError: e
// expect: true false
