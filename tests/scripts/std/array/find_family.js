const a = [5, 12, 8, 130, 44];
console.log(a.find(x => x > 10), a.findIndex(x => x > 10), a.findLast(x => x > 10), a.findLastIndex(x => x > 10));
console.log(a.find(x => x > 500), a.findIndex(x => x > 500), a.findLast(x => x < 0), a.findLastIndex(x => x < 0));

// expect: 12 1 44 4
// expect: undefined -1 undefined -1
