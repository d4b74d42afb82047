const d = new Date(Date.UTC(2020, 1, 29, 12));
console.log(JSON.stringify({ d, list: [d] }), JSON.parse(JSON.stringify(d)) === d.toISOString());

// expect: {"d":"2020-02-29T12:00:00.000Z","list":["2020-02-29T12:00:00.000Z"]} true
