
console.log(Object.keys({ a: 1, b: { c: 2 } }), Object.keys([4, 5]), Object.keys("hi"));

// expect: [ 'a', 'b' ] [ '0', '1' ] [ '0', '1' ]
