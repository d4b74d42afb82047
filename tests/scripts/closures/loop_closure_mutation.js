const fs = [];
for (let i = 0; i < 3; i++) { fs.push(() => i); i++; }
console.log(fs.map(f => f()));

// expect: [ 1, 3 ]
