const a = [1, 2, NaN, "3", 2];
console.log(a.indexOf(2), a.lastIndexOf(2), a.indexOf(NaN), a.includes(NaN), a.indexOf("3"), a.indexOf(3), a.includes(2), a.indexOf(2, 2));

// expect: 1 4 -1 true 3 -1 true 4
