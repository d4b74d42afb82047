function f(a, b) { return [a, b]; }
console.log(f(1), f(1, 2, 3), f.length);

// expect: [ 1, undefined ] [ 1, 2 ] 2
