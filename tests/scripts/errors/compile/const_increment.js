const n = 0;
n++;
// expect error: 2:1: cannot assign to `n` because it is a constant
