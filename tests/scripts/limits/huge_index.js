const a = [];
try { a[4294967294] = 1; } catch (e) { console.log(e.name); }
// expect: RangeError
