// A pattern the specification calls an early error is a compile error,
// reported before anything runs, at the literal.
const a = /(unclosed/;
const b = /x{2,1}/;
const c = /ok/gg;
const d = /\p{NotAProperty}/u;
const e = /fine/;
// expect error: 3:11: Invalid regular expression: /(unclosed/: Unterminated group
// expect error: 4:11: Invalid regular expression: /x{2,1}/: numbers out of order in {} quantifier
// expect error: 5:11: Invalid regular expression: /ok/gg: Invalid flags
// expect error: 6:11: Invalid regular expression: /\p{NotAProperty}/u: Invalid property name
