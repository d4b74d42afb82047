class A {}
// expect error: 1:1: `class` is not supported yet; use a function with a prototype
