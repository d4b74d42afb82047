const d = new Date(NaN);
console.log(d.getTime(), d.getUTCFullYear(), d.toJSON());
try { d.toISOString(); } catch (e) { console.log(e.name, e.message); }

// expect: NaN NaN null
// expect: RangeError Invalid time value
