let i = 0;
for (;;) { if (++i >= 4) break; }
console.log(i);

// expect: 4
