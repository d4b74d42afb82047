const a = [1, undefined, 3];
console.log(a.map(x => x === undefined), a.filter(x => x !== undefined), a.indexOf(undefined), a.includes(undefined));

// expect: [ false, true, false ] [ 1, 3 ] 1 true
