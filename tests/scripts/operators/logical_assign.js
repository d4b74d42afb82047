let a = null, b = 0, c = 1;
a ??= "set"; b ||= 5; c &&= 7;
const o = { x: null, y: 2 };
o.x ??= 1; o.y ||= 99; o["z"] ??= 3;
console.log(a, b, c, o);

// expect: set 5 7 { x: 1, y: 2, z: 3 }
