let total = 0;
for (let i = 0; i < 3; i++) { sleep(0); total += i; }
console.log(total);
// expect: 3
