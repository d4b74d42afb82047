const k = 1;
const f = () => { k += 1; };
// expect error: 2:19: cannot assign to `k` because it is a constant
