"use strict";
const o = Object.freeze({ a: 1 });
try { o.a = 2; } catch (e) { console.log(e instanceof TypeError); }
console.log(o.a, Object.isFrozen(o));

// expect: true
// expect: 1 true
