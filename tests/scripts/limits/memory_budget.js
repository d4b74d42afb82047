// memory: 1000000
const a = [];
while (true) a.push({ n: a.length });
// expect runtime error: RangeError: memory limit exceeded
