[1, 2].map(x => { if (x === 2) throw new RangeError("two"); return x; });
// expect runtime error: RangeError: two
