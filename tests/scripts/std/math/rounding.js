console.log(Math.round(2.5), Math.round(-2.5), Math.round(2.4), Math.round(-0.4), Math.floor(-1.5), Math.ceil(-1.5), Math.trunc(1.9), Math.trunc(-1.9), Math.sign(-3), Math.sign(0));

// expect: 3 -2 2 -0 -2 -1 1 -1 -1 0
