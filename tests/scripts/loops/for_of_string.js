const out = [];
for (const ch of "héy😀") out.push(ch);
console.log(out);

// expect: [ 'h', 'é', 'y', '😀' ]
