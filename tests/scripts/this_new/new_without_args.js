function Box() { this.items = []; }
const b = new Box;
b.items.push(1);
console.log(b.items);

// expect: [ 1 ]
