console.log(nope);
// expect runtime error: ReferenceError: nope is not defined
