function named() {}
const anon = function () {};
const arrow = () => 1;
console.log(named, anon, arrow, [named], { f: named });

// expect: [Function: named] [Function: anon] [Function: arrow] [ [Function: named] ] { f: [Function: named] }
