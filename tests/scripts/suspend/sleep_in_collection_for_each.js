// Map and Set forEach are steppers: their callback may wait.
const m = new Map([["a", 1], ["b", 2]]);
const seen = [];
m.forEach((v, k) => { sleep(1); seen.push(k + v); if (k === "a") m.set("c", 3); });
console.log(seen);
let sum = 0;
new Set([1, 2, 3]).forEach((x) => { sleep(0); sum += x; });
console.log(sum);

// expect: [ 'a1', 'b2', 'c3' ]
// expect: 6
