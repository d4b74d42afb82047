console.log(JSON.parse('{"a":1,"a":2}'), Object.keys(JSON.parse('{"z":1,"y":2}')));

// expect: { a: 2 } [ 'z', 'y' ]
