let sum = 0;
const r = [1, 2, 3].forEach(x => { sum += x; });
console.log(r, sum);

// expect: undefined 6
