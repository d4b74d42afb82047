const proto = { greet() { return "hi " + this.name; } };
const o = Object.create(proto);
o.name = "kit";
console.log(o.greet(), Object.getPrototypeOf(o) === proto, Object.keys(o), "greet" in o);
const bare = Object.create(null);
bare.x = 1;
console.log(Object.keys(bare), typeof bare.toString);

// expect: hi kit true [ 'name' ] true
// expect: [ 'x' ] undefined
