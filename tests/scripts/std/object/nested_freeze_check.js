const o = Object.freeze([1, 2]);
console.log(Object.isFrozen(o), o.length, Object.isFrozen("str"), Object.isFrozen(5));

// expect: true 2 true true
