console.log((0.1).toString(2).slice(0, 20), (255.5).toString(16), (-0.25).toString(2), (35).toString(36));

// expect: 0.000110011001100110 ff.8 -0.01 z
