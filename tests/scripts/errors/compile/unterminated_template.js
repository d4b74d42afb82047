let s = `abc ${1};
// expect error: 1:9: unterminated template literal
