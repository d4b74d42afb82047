// Arguments whose conversion shortens the array: the methods read the
// length first and the elements as they are then (never past the end).
const shrink = () => ({ valueOf() { a.length = 0; return 1; } });
let a;
const tries = {
  slice: () => a.slice(shrink()), indexOf: () => a.indexOf(1, shrink()), lastIndexOf: () => a.lastIndexOf(1, shrink()),
  includes: () => a.includes(1, shrink()), at: () => a.at(shrink()), with: () => a.with(shrink(), 0),
  toSpliced: () => a.toSpliced(shrink(), 1), splice: () => a.splice(shrink(), 2), splice2: () => a.splice(0, shrink()),
  copyWithin: () => a.copyWithin(0, shrink()), flat: () => a.flat(shrink()),
  join: () => a.join({ toString() { a.length = 0; return ","; } }), toReversed: () => a.toReversed(),
};
for (const [name, f] of Object.entries(tries)) {
  a = [1, 2, 3, 4];
  try { console.log(name, JSON.stringify(f()), a.length); } catch (e) { console.log(name, e.name); }
}

// expect: slice [null,null,null] 0
// expect: indexOf -1 0
// expect: lastIndexOf -1 0
// expect: includes false 0
// expect: at undefined 0
// expect: with [null,0,null,null] 0
// expect: toSpliced [null,null,null] 0
// expect: splice [null,null] 2
// expect: splice2 [null] 3
// expect: copyWithin [] 0
// expect: flat [] 0
// expect: join ",,," 0
// expect: toReversed [4,3,2,1] 4
