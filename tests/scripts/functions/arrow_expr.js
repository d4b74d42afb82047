const sq = x => x * x;
const add = (a, b) => a + b;
const obj = () => ({ v: 1 });
console.log(sq(5), add(1, 2), obj());

// expect: 25 3 { v: 1 }
