console.log(JSON.stringify({ n: Number("5"), s: String(5), b: Boolean(0) }), JSON.stringify([[], {}, [{}]]));

// expect: {"n":5,"s":"5","b":false} [[],{},[{}]]
