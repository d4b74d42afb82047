"use strict";
const o = Object.freeze({ a: 1, nested: { b: 2 } });
try { o.a = 2; } catch (e) { console.log("set:", e.name); }
try { o.c = 3; } catch (e) { console.log("add:", e.name); }
try { delete o.a; } catch (e) { console.log("delete:", e.name); }
o.nested.b = 5;
console.log(o, Object.isFrozen(o), Object.isFrozen(o.nested), Object.isFrozen({}));

// expect: set: TypeError
// expect: add: TypeError
// expect: delete: TypeError
// expect: { a: 1, nested: { b: 5 } } true false false
