continue;
// expect error: 1:1: `continue` outside of a loop
