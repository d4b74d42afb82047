const a = "ab", b = "a" + "b", c = ["a", "b"].join("");
console.log(a === b, b === c, a == c, `${"a"}b` === a);

// expect: true true true true
