
console.log(String([1, 2, [3, 4]]), [] + "", [null, undefined, 1] + "");

// expect: 1,2,3,4  ,,1
