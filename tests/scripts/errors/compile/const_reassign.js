const limit = 10;
limit = 11;
// expect error: 2:1: cannot assign to `limit` because it is a constant
