const { user: { name, tags: [first] } } = { user: { name: "n", tags: ["t1", "t2"] } };
console.log(name, first);

// expect: n t1
