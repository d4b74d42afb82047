console.log(JSON.stringify({ "": 1, "a b": 2, "ü": 3, "1": 4 }));

// Kitwork keeps insertion order for integer-like keys too (docs/LANGUAGE.md).
// expect: {"1":4,"":1,"a b":2,"ü":3}
