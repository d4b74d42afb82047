console.log((1.005).toFixed(2), (3.14159).toFixed(3), (10).toFixed(2), (0.5).toFixed(0), (-1.5).toFixed(1), (1e21).toFixed(2), (123.456).toFixed());

// expect: 1.00 3.142 10.00 1 -1.5 1e+21 123
