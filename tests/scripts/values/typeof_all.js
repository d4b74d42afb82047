console.log(typeof 1, typeof "s", typeof true, typeof undefined, typeof null);
console.log(typeof {}, typeof [], typeof function () {}, typeof (() => 1), typeof console.log);
console.log(typeof notDeclaredAnywhere);

// expect: number string boolean undefined object
// expect: object object function function function
// expect: undefined
