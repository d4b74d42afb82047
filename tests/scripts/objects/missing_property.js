const o = {};
console.log(o.nothing, o.nothing === undefined);

// expect: undefined true
