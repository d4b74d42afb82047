// `a < b` as the condition of if, while, for and ?: compiles to one
// compare-and-jump; it must keep JavaScript's comparison rules.
const xs = [3, 1, 2];
let n = 0;
for (let i = 0; i < xs.length; i++) n += xs[i];
console.log(n);
if ("apple" < "banana") console.log("strings compare");
if (!("b" < "a")) console.log("and the other way");
if (NaN < 1) console.log("never"); else console.log("NaN is not less");
if (undefined < 1) console.log("never"); else console.log("undefined is not less");
if (null < 1) console.log("null is 0");
if ("10" < 9) console.log("never"); else console.log("numeric string");
if ("10" < "9") console.log("two strings compare as text");
const big = { valueOf() { return 100; } };
console.log(big < 101 ? "valueOf is used" : "never");
let k = 0;
while (k < 3) k++;
console.log(k);
let order = [];
const left = () => { order.push("left"); return 1; };
const right = () => { order.push("right"); return 2; };
if (left() < right()) console.log(order.join(" then "));
try {
  const bad = { valueOf() { throw new Error("no number here"); } };
  if (bad < 1) console.log("never");
} catch (e) {
  console.log("caught:", e.message);
}

// expect: 6
// expect: strings compare
// expect: and the other way
// expect: NaN is not less
// expect: undefined is not less
// expect: null is 0
// expect: numeric string
// expect: two strings compare as text
// expect: valueOf is used
// expect: 3
// expect: left then right
// expect: caught: no number here
