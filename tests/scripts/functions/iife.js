const r = (function () { return "iife"; })();
const a = (() => 42)();
console.log(r, a);

// expect: iife 42
