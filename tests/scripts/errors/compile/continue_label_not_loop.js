blk: { for (;;) { continue blk; } }
// expect error: 1:19: `continue` to label `blk` which is not a loop
