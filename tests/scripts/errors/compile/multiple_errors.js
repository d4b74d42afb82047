let a = ;
let b = 2;
if (b { }
const c = 3
// expect error: 1:9: expected an expression, found `;`
// expect error: 3:7: expected `)` after the condition, found `{`
