import { diff } from "just-diff";
console.log(JSON.stringify(diff({ a: 1, b: { c: 2 }, d: [1, 2] }, { a: 1, b: { c: 3 }, d: [1], e: 4 })));
