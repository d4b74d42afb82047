let a = 1 # 2;
// expect error: 1:11: unexpected character `#`
