let s = "abc;
let t = 1;
// expect error: 1:9: unterminated string literal
