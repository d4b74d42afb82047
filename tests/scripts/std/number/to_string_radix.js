console.log((255).toString(16), (255).toString(2), (-255).toString(36), (0.5).toString(2), (3).toString(), (1e21).toString(), (123.456).toString(10));

// expect: ff 11111111 -73 0.1 3 1e+21 123.456
