// seed: 12345
const xs = [Math.random(), Math.random(), Math.random()];
console.log(xs.every(x => x >= 0 && x < 1));
// expect: true
