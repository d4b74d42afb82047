function down(n) { return down(n + 1) + 1; }
down(0);
// expect runtime error: RangeError: maximum call stack size exceeded
