let i = 5;
console.log(i++, i, ++i, i, i--, --i);
const o = { n: 1 };
console.log(o.n++, o.n, ++o.n);
const a = [1];
console.log(a[0]++, a[0]--, --a[0], a);

// expect: 5 6 7 7 7 5
// expect: 1 2 3
// expect: 1 2 0 [ 0 ]
