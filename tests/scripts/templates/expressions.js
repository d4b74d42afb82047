const o = { a: { b: 2 } };
console.log(`${o.a.b * 10}|${o.a.b > 1 ? "big" : "small"}|${(() => "fn")()}`);

// expect: 20|big|fn
