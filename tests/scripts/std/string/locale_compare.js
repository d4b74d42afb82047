console.log("a".localeCompare("b"), "b".localeCompare("a"), "a".localeCompare("a"));
console.log(["pear", "apple", "fig"].sort((x, y) => x.localeCompare(y)));

// expect: -1 1 0
// expect: [ 'apple', 'fig', 'pear' ]
