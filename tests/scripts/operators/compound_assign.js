let x = 10;
x += 5; x -= 3; x *= 2; x /= 4; x %= 4; x **= 3;
let s = "a"; s += "b";
let b = 6; b &= 3; b |= 8; b ^= 1; b <<= 2; b >>= 1; b >>>= 1;
console.log(x, s, b);

// expect: 8 ab 11
