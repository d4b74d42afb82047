
console.log("a" + 1, 1 + "a", 1 + 2 + "3", "3" + 1 + 2, "x" + null, "y" + undefined, "z" + true);

// expect: a1 1a 33 312 xnull yundefined ztrue
