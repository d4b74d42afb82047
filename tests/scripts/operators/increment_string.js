let s = "5";
s++;
console.log(s, typeof s);
let t = "x";
t++;
console.log(t);

// expect: 6 number
// expect: NaN
