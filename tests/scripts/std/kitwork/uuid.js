const a = uuid(), b = uuid();
const shape = /* 8-4-4-4-12 hex, version 7 */ a.split("-").map(p => p.length).join(",");
console.log(shape, a[14], a !== b, a.toLowerCase() === a, a < b || a.slice(0, 13) === b.slice(0, 13));
// expect: 8,4,4,4,12 7 true true true
