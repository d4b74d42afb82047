const log = [];
for (let i = 0; i < 3; i++) {
  try { if (i === 1) continue; log.push(i); } finally { log.push("f" + i); }
}
console.log(log);

// expect: [ 0, 'f0', 'f1', 2, 'f2' ]
