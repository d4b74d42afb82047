try { JSON.stringify({ a: 1 }, () => { throw new RangeError("from replacer"); }); } catch (e) { console.log(e.name, e.message); }

// expect: RangeError from replacer
