const o = { name: "o", who() { return this.name; } };
const f = o.who;
console.log(o.who(), typeof f);

// expect: o function
