const name = "kit", n = 3;
console.log(`hello ${name}`, `${n} + ${n} = ${n + n}`, `plain`, ``);

// expect: hello kit 3 + 3 = 6 plain 
