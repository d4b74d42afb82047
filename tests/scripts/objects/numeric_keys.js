const o = {};
o[1] = "one"; o["2"] = "two";
console.log(o[1], o["1"], o[2]);

// expect: one one two
