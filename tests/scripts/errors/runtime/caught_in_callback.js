const r = [1, 2, 3].map(x => { try { if (x === 2) throw "bad"; return x; } catch (e) { return e; } });
console.log(r);
// expect: [ 1, 'bad', 3 ]
