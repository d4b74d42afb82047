function assert(c) { if (!c) throw new Error("failed"); return true; }
assert.equal = (a, b) => assert(a === b);
assert.count = 0;
assert.count++;
console.log(assert.equal(1, 1), assert.count, typeof assert.equal);

// expect: true 1 function
