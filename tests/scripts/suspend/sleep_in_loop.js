let total = 0;
for (let i = 0; i < 3; i++) { sleep(0); total += i; }
console.log(total);
// expect: 3
// Odd waits are clamped, never a crash: NaN and negatives are no wait.
sleep(NaN);
sleep(-5);
sleep("x");
console.log("clamped");
// expect: clamped
