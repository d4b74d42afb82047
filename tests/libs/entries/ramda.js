import * as R from "ramda";
const add3 = R.curry((a, b, c) => a + b + c);
console.log(add3(1)(2)(3), R.pipe(R.map(R.inc), R.filter(R.lt(2)), R.sum)([1, 2, 3]));
console.log(JSON.stringify(R.groupBy(R.prop("k"), [{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "a", v: 3 }])));
console.log(JSON.stringify(R.assocPath(["a", "b"], 1, {})), R.equals({ a: [1] }, { a: [1] }));
