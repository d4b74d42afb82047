const v = { id: 7, name: "ünï", list: [1, 2.5, -3], nested: { ok: true, none: null }, empty: [] };
const s = JSON.stringify(v);
console.log(s === JSON.stringify(JSON.parse(s)), JSON.parse(s));

// expect: true {
// expect:   id: 7,
// expect:   name: 'ünï',
// expect:   list: [ 1, 2.5, -3 ],
// expect:   nested: { ok: true, none: null },
// expect:   empty: []
// expect: }
