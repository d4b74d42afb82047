const found = [];
outer: for (let i = 0; i < 5; i++) {
  for (let j = 0; j < 5; j++) {
    if (i * j === 6) { found.push([i, j]); break outer; }
  }
}
console.log(found);

// expect: [ [ 2, 3 ] ]
