
console.log({}, { a: 1 }, { "b-c": 2, d: { e: { f: { g: 1 } } } }, { x: [1, 2], y: "s" });

// expect: {} { a: 1 } { 'b-c': 2, d: { e: { f: [Object] } } } { x: [ 1, 2 ], y: 's' }
