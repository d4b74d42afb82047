console.log([1, 2, 3].reduce((a, b) => a + b), [1, 2, 3].reduce((a, b) => a + b, 10), [[1], [2]].reduce((acc, x) => acc.concat(x), []));
console.log(["a", "b", "c"].reduceRight((a, b) => a + b), [1, 2, 3].reduceRight((acc, x) => acc + x, ""));

// expect: 6 16 [ 1, 2 ]
// expect: cba 321
