import deepmerge from "deepmerge";
const a = { user: { name: "ada", tags: ["a"] }, n: 1 };
const b = { user: { age: 36, tags: ["b"] }, m: 2 };
console.log(JSON.stringify(deepmerge(a, b)));
console.log(JSON.stringify(deepmerge.all([{ x: 1 }, { y: 2 }, { x: 3 }])));
console.log(JSON.stringify(deepmerge(a, b, { arrayMerge: (d, s) => s })));
