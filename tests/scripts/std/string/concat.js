console.log("a".concat("b", 1, null, [2, 3]), "".concat());

// expect: ab1null2,3 
