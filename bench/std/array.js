// map / filter / sort on 100,000 numbers, repeated.
const N = 100000;
const a = [];
for (let i = 0; i < N; i++) a.push((i * 7919) % 100003);
let check = 0;
for (let r = 0; r < 5; r++) {
  const m = a.map(x => x * 2);
  const f = m.filter(x => x % 3 === 0);
  const s = a.slice().sort((x, y) => x - y);
  check += m.length + f.length + s[0] + s[N - 1];
}
console.log(check);
