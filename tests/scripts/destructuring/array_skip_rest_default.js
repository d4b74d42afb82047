const [, second, third = "d", ...others] = [1, 2, undefined, 4, 5];
console.log(second, third, others);

// expect: 2 d [ 4, 5 ]
