function P() { this.own = 1; }
P.prototype.shared = 2;
const keys = [];
for (const k in new P()) keys.push(k);
console.log(keys);

// expect: [ 'own', 'shared' ]
