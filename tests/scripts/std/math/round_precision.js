const round2 = x => Math.round(x * 100) / 100;
console.log(round2(1.005), round2(2.675), round2(-1.235), Math.round(0.49999999999999994), Math.round(-0.5000000000000001));

// expect: 1 2.68 -1.24 0 -1
