const o = { a: 1, toJSON() { return { replaced: true }; } };
console.log(JSON.stringify(o), JSON.stringify({ nested: o }), JSON.stringify({ when: new Date(0) }));

// expect: {"replaced":true} {"nested":{"replaced":true}} {"when":"1970-01-01T00:00:00.000Z"}
