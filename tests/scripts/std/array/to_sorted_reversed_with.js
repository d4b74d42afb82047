const a = [3, 1, 2];
console.log(a.toSorted(), a.toReversed(), a.with(0, 9), a.with(-1, 0), a);
try { a.with(5, 1); } catch (e) { console.log(e.name); }

// expect: [ 1, 2, 3 ] [ 2, 1, 3 ] [ 9, 1, 2 ] [ 3, 1, 0 ] [ 3, 1, 2 ]
// expect: RangeError
