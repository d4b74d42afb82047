const s = `value: ${1 +}`;
// expect error: 1:24: expected an expression, found end of input
