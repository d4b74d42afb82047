function who(greeting) { return greeting + " " + this.name; }
const o = { name: "kit" };
console.log(who.call(o, "hi"), who.apply(o, ["hey"]));

// expect: hi kit hey kit
