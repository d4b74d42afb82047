const o = {
  items: [1, 2],
  factor: 10,
  scaled() { return this.items.map(x => x * this.factor); },
};
console.log(o.scaled());

// expect: [ 10, 20 ]
