// Number literals strict code refuses: legacy octals, misplaced numeric
// separators, a name glued to a number.
const a = 010;
const b = 1__000;
const c = 0x_ff;
const d = 3in [];
const fine = 1_000 + 0b1_0 + 0.5 + 0;
// expect error: 3:11: legacy octal and leading-zero numbers are not allowed in strict code
// expect error: 4:11: a numeric separator `_` must sit between two digits
// expect error: 5:11: a numeric separator `_` must sit between two digits
// expect error: 6:11: a number cannot be followed directly by a name or a digit
