console.log({ a: { b: { c: { d: 1 } } } });
console.log([[[[1]]]]);

// expect: { a: { b: { c: [Object] } } }
// expect: [ [ [ [Array] ] ] ]
