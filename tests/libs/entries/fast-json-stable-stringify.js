import stringify from "fast-json-stable-stringify";
console.log(stringify({ c: 8, b: [{ z: 6, y: 5, x: 4 }, 7], a: 3 }));
console.log(stringify({ a: undefined, b: () => 1, d: new Date(0), e: null }));
