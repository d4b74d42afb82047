// Strict code has no octal escapes in strings, nor `\8` and `\9`; `\0`
// alone is the NUL character.
const nul = "a\0b";
const octal = "\07";
const eight = "\8";
// expect error: 4:15: invalid escape sequence in string literal
// expect error: 5:15: invalid escape sequence in string literal
