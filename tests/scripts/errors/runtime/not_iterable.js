for (const x of 5) {}
// expect runtime error: TypeError: 5 is not iterable
