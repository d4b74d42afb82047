console.log([1, 2, 3].join(), [1, 2, 3].join(""), [1, null, undefined, 2].join("-"), [].join(), [[1, 2], [3]].join(";"));

// expect: 1,2,3 123 1---2  1,2;3
