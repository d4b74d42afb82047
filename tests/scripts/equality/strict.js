console.log(1 === 1, "a" === "a", NaN === NaN, 0 === -0, null === null, {} === {}, [1] === [1]);
const o = {}; console.log(o === o);

// expect: true true false true true false false
// expect: true
