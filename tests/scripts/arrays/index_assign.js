// Kitwork has no array holes: assigning past the end fills with undefined
// (see docs/LANGUAGE.md), so print what both engines agree on.
const a = [1, 2, 3];
a[0] = 10;
a[5] = 6;
console.log(a.length, a[4], a[5], a.slice(0, 3));

// expect: 6 undefined 6 [ 10, 2, 3 ]
