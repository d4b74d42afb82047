const k = "dyn";
const o = { [k]: 1, [k + "2"]: 2, ["a" + 1]: "num" };
console.log(o, o.dyn2, o.a1);

// expect: { dyn: 1, dyn2: 2, a1: 'num' } 2 num
