const a = [1, 2, 3];
const r = a.reverse();
console.log(r, a, r === a);

// expect: [ 3, 2, 1 ] [ 3, 2, 1 ] true
