for (;;) { break nowhere; }
// expect error: 1:12: undefined label `nowhere` for `break`
