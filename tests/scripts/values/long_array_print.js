const a = [];
for (let i = 0; i < 30; i++) a.push(i * 7);
console.log(a);
console.log(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]);

// expect: [
// expect:     0,   7,  14,  21,  28,  35,  42,  49,
// expect:    56,  63,  70,  77,  84,  91,  98, 105,
// expect:   112, 119, 126, 133, 140, 147, 154, 161,
// expect:   168, 175, 182, 189, 196, 203
// expect: ]
// expect: [
// expect:   'alpha',   'beta',
// expect:   'gamma',   'delta',
// expect:   'epsilon', 'zeta',
// expect:   'eta',     'theta'
// expect: ]
