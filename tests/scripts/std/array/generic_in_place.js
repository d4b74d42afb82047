// The in-place array methods on objects that are not arrays (the
// specification's generic algorithms), against node.
const o = { length: 2, 0: "a", 1: "b" };
console.log(Array.prototype.push.call(o, "c", "d"), JSON.stringify(o));
console.log(Array.prototype.pop.call(o), JSON.stringify(o));
console.log(Array.prototype.shift.call(o), JSON.stringify(o));
console.log(Array.prototype.unshift.call(o, "x", "y"), JSON.stringify(o));
console.log(JSON.stringify(Array.prototype.reverse.call(o)));
const sparse = { length: 3, 0: 1, 2: 3 }; Array.prototype.reverse.call(sparse); console.log(JSON.stringify(sparse));
const e = {}; console.log(Array.prototype.pop.call(e), e.length, Array.prototype.push.call({}), Array.prototype.shift.call({ length: "2", 0: 5 }));
function f() { Array.prototype.push.call(arguments, 9); return [...arguments]; } console.log(f(1, 2));
try { Array.prototype.push.call(Object.freeze({ length: 0 }), 1) } catch (err) { console.log(err.constructor.name) }

// expect: 4 {"0":"a","1":"b","2":"c","3":"d","length":4}
// expect: d {"0":"a","1":"b","2":"c","length":3}
// expect: a {"0":"b","1":"c","length":2}
// expect: 4 {"0":"x","1":"y","2":"b","3":"c","length":4}
// expect: {"0":"c","1":"b","2":"y","3":"x","length":4}
// expect: {"0":3,"2":1,"length":3}
// expect: undefined 0 0 5
// expect: [ 1, 2, 9 ]
// expect: TypeError
