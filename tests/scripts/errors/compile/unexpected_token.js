let x = * 3;
// expect error: 1:9: expected an expression, found `*`
