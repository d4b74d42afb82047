const a = [3, 8, 12];
console.log(a.find(x => x > 5), a.findIndex(x => x > 5), a.some(x => x > 10), a.every(x => x > 1));
console.log(a.find(x => x > 100), a.indexOf(8), a.includes(12), a.indexOf(99));

// expect: 8 1 true true
// expect: undefined 1 true -1
