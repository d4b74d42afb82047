console.log((2.5).toFixed(0), (1.45).toFixed(1), (1.55).toFixed(1), (8.345).toFixed(2), (0.000001).toFixed(7), (-0.5).toFixed(0), (1234.5678).toFixed(2));

// expect: 3 1.4 1.6 8.35 0.0000010 -1 1234.57
