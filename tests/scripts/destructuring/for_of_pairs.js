const pairs = [[1, "one"], [2, "two"]];
for (const [n, word] of pairs) console.log(n, word);
for (const { x, y = 0 } of [{ x: 1 }, { x: 2, y: 3 }]) console.log(x + y);

// expect: 1 one
// expect: 2 two
// expect: 1
// expect: 5
