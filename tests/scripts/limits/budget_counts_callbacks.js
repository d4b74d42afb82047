// budget: 45000
// What callbacks of built-ins run counts against the same budget as the
// rest of the run: the loop and the callbacks each fit in it, together
// they do not.
let n = 0;
for (let i = 0; i < 3000; i++) n++;
const xs = 'x'.repeat(2000).split('');
xs.forEach((c, i) => { n += i % 3; n -= i % 2; });
console.log(n);
// expect runtime error: RangeError: instruction budget exhausted (the budget is 45000 instructions)
