const out = [];
["a", "b"].forEach((x, i) => out.push(x + i));
console.log(out);

// expect: [ 'a0', 'b1' ]
