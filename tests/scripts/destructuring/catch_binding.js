
try { throw { code: 42, msg: "boom" }; } catch ({ code, msg }) { console.log(code, msg); }

// expect: 42 boom
