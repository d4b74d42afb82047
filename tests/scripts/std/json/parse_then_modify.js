const v = JSON.parse('{"items":[{"n":1},{"n":2}]}');
v.items.push({ n: 3 });
v.total = v.items.reduce((s, i) => s + i.n, 0);
console.log(JSON.stringify(v));

// expect: {"items":[{"n":1},{"n":2},{"n":3}],"total":6}
