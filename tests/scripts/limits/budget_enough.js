// budget: 100000
let s = 0;
for (let i = 0; i < 100; i++) s += i;
console.log(s);
// expect: 4950
