const votes = ["a", "b", "a", "c", "a", "b"];
const counts = {};
for (const v of votes) counts[v] = (counts[v] ?? 0) + 1;
console.log(counts, Object.entries(counts).sort((x, y) => y[1] - x[1])[0]);

// expect: { a: 3, b: 2, c: 1 } [ 'a', 3 ]
