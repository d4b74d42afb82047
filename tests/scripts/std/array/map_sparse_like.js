const a = new Array(3).fill(0).map((_, i) => i * i);
console.log(a, Array.from({ length: 4 }, (_, i) => i % 2 ? "odd" : "even"));

// expect: [ 0, 1, 4 ] [ 'even', 'odd', 'even', 'odd' ]
