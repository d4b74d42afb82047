const a = [1, 2, 3];
const seen = [];
const r = a.each((x, i) => seen.push(x * 10 + i));
console.log(a.len(), seen, r === a, [].len());
// expect: 3 [ 10, 21, 32 ] true 0
