// memory: 200000
try { const a = []; for (;;) a.push([1, 2, 3]); } catch (e) { console.log("caught?!"); }
// expect runtime error: RangeError: memory limit exceeded
