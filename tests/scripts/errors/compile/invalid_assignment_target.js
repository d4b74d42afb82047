1 = 2;
// expect error: 1:1: invalid assignment target
