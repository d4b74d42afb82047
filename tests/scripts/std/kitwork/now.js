const t = now();
const text = t.text();
console.log(typeof text, text.endsWith("Z"), text.length, Number.isInteger(t.unix()), t.unix() > 1.7e9, Math.abs(t.unix() * 1000 - Date.now()) < 5000);
// expect: string true 24 true true true
