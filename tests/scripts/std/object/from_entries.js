console.log(Object.fromEntries([["a", 1], ["b", 2]]), Object.fromEntries(Object.entries({ x: 1, y: 2 }).map(([k, v]) => [k.toUpperCase(), v * 10])));

// expect: { a: 1, b: 2 } { X: 10, Y: 20 }
