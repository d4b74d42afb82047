// seed: 7
console.log(Math.random().toFixed(6), Math.random().toFixed(6));
// expect: 0.820247 0.928290
