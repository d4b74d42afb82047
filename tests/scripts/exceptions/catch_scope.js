const e = "outer";
try { throw "inner"; } catch (e) { console.log(e); }
console.log(e);

// expect: inner
// expect: outer
