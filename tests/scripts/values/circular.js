const o = { name: "o" };
o.self = o;
console.log(o);

// expect: <ref *1> { name: 'o', self: [Circular *1] }
