function sign(n) { if (n > 0) return "pos"; else if (n < 0) return "neg"; else return "zero"; }
console.log(sign(5), sign(-2), sign(0));

// expect: pos neg zero
