const a = [1, 2, 3];
console.log(a.reverse(), a.at(0), a.at(-1), a.at(5));

// expect: [ 3, 2, 1 ] 3 1 undefined
