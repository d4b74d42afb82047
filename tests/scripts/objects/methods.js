const o = {
  n: 2,
  twice(x) { return x * this.n; },
  arrow: () => typeof this,
};
console.log(o.twice(5));

// expect: 10
