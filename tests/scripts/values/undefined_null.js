let u;
console.log(u, null, typeof u, typeof null);
console.log(undefined === void 0, null == undefined, null === undefined);

// expect: undefined null undefined object
// expect: true true false
