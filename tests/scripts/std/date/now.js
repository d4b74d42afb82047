const t1 = Date.now();
const d = new Date();
console.log(typeof t1, t1 > 1.6e12, d.getTime() >= t1, d.getUTCFullYear() >= 2024);

// expect: number true true true
