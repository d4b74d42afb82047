let s = 0;
for (let i = 0; i < 5; i++) s += i;
console.log(s);

// expect: 10
