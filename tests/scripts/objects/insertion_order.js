const o = {};
o.z = 1; o.a = 2; o.m = 3;
console.log(Object.keys(o));

// expect: [ 'z', 'a', 'm' ]
