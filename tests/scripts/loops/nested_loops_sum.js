let total = 0;
for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) total += i * j;
console.log(total);

// expect: 2025
