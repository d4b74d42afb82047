
console.log(1 < 2, 2 <= 2, 3 > 4, "a" < "b", "B" < "a", "10" < "9", "10" < 9, null >= 0, undefined > 0);

// expect: true true false true true true false true false
