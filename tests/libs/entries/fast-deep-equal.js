import equal from "fast-deep-equal";
console.log(equal({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), equal({ a: 1 }, { a: 2 }));
console.log(equal([1, 2], [1, 2, 3]), equal(new Date(0), new Date(0)), equal(null, undefined));
