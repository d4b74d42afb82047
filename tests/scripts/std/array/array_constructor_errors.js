try { new Array(-1); } catch (e) { console.log(e.name, e.message); }

// expect: RangeError Invalid array length
