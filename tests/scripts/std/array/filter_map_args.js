const seen = [];
const out = [10, 20, 30].map((x, i, arr) => { seen.push(arr === arr && i); return x / 10; });
console.log(out, seen, [1, 2, 3, 4].filter((x, i) => i % 2 === 0));

// expect: [ 1, 2, 3 ] [ 0, 1, 2 ] [ 1, 3 ]
