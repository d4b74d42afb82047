function f(...a, b) {}
// expect error: 1:16: expected `)` after the rest parameter, found `,`
