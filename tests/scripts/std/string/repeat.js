console.log("ab".repeat(3), JSON.stringify("x".repeat(0)), "-".repeat(10));
try { "x".repeat(-1); } catch (e) { console.log(e.name); }

// expect: ababab "" ----------
// expect: RangeError
