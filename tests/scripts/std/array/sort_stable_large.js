const a = [];
for (let i = 0; i < 1000; i++) a.push({ k: i % 7, i });
a.sort((x, y) => x.k - y.k);
let stable = true;
for (let i = 1; i < a.length; i++) if (a[i - 1].k === a[i].k && a[i - 1].i > a[i].i) stable = false;
console.log(stable, a[0].k, a[999].k, a[0].i, a[999].i);

// expect: true 0 6 0 993
