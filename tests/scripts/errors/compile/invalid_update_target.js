let a = 1;
(a + 1)++;
// expect error: 2:1: invalid target for `++` or `--`
