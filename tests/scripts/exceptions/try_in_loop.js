let caught = 0;
for (let i = 0; i < 5; i++) { try { if (i % 2) throw i; } catch (e) { caught += e; } }
console.log(caught);

// expect: 4
