import _ from "lodash";
console.log(JSON.stringify(_.chunk([1, 2, 3, 4, 5], 2)), _.camelCase("Hello kitwork world"));
console.log(JSON.stringify(_.groupBy([6.1, 4.2, 6.3], Math.floor)), _.get({ a: { b: [1, { c: 3 }] } }, "a.b[1].c"));
console.log(JSON.stringify(_.uniqBy([{ id: 1 }, { id: 1 }, { id: 2 }], "id")), _.sum([1, 2, 3]));
