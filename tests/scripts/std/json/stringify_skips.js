console.log(JSON.stringify({ a: undefined, b: () => 1, c: 1 }), JSON.stringify([undefined, () => 1, NaN, Infinity]), JSON.stringify(undefined), JSON.stringify(() => 1));

// expect: {"c":1} [null,null,null,null] undefined undefined
