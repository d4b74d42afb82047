const deep = JSON.parse("[[[[[[1]]]]]]");
console.log(deep[0][0][0][0][0][0], JSON.stringify(deep));

// expect: 1 [[[[[[1]]]]]]
