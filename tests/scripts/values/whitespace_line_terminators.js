#!/usr/bin/env kitwork
// The white space and line terminators ECMAScript lists: tab, VT, FF, NBSP,
// the Zs spaces, BOM; LF, CR, LS, PS (which end a // comment and a statement
// for automatic semicolons). A hashbang first line is a comment.
const a =　1; const	b=2 const c = 3const d = 4 console.log(a + b + c + d)﻿;
// a comment that ends at a line separator console.log("after LS")
const x = 1
/* a block comment with a paragraph separator   */ const y = 2
console.log(x + y)
// expect: 10
// expect: after LS
// expect: 3
