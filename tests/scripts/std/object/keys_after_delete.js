const o = { a: 1, b: 2, c: 3 };
delete o.b;
o.b = 4;
console.log(Object.keys(o), JSON.stringify(o));

// expect: [ 'a', 'c', 'b' ] {"a":1,"c":3,"b":4}
