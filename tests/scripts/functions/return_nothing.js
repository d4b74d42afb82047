function f() { return; }
function g() {}
console.log(f(), g());

// expect: undefined undefined
