for (const E of [Error, TypeError, RangeError, SyntaxError, ReferenceError]) {
  const e = new E("msg");
  console.log(e.name, e.message, e instanceof E, e instanceof Error, String(e), typeof e.stack);
}

// expect: Error msg true true Error: msg string
// expect: TypeError msg true true TypeError: msg string
// expect: RangeError msg true true RangeError: msg string
// expect: SyntaxError msg true true SyntaxError: msg string
// expect: ReferenceError msg true true ReferenceError: msg string
