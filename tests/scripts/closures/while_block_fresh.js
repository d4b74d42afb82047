const fs = [];
let i = 0;
while (i < 3) { const j = i * 10; fs.push(() => j); i++; }
console.log(fs.map(f => f()));

// expect: [ 0, 10, 20 ]
