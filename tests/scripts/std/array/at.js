const a = [1, 2, 3];
console.log(a.at(0), a.at(-1), a.at(-3), a.at(3), a.at(-4), a.at(1.7));

// expect: 1 3 1 undefined undefined 2
