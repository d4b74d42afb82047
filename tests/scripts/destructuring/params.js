function f({ id, name = "anon" }, [x, y]) { return `${id}:${name}:${x + y}`; }
console.log(f({ id: 7 }, [1, 2]));
const g = ({ a: { b } }) => b;
console.log(g({ a: { b: "deep" } }));

// expect: 7:anon:3
// expect: deep
