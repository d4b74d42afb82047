const key = "dyn";
const { [key]: v, ...others } = { dyn: 1, other: 2 };
console.log(v, others);

// expect: 1 { other: 2 }
