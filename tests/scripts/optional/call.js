const o = { f() { return "called " + this.tag; }, tag: "t" };
console.log(o.f?.(), o.g?.(), o.missing?.method());
const maybe = null;
console.log(maybe?.(1));

// expect: called t undefined undefined
// expect: undefined
