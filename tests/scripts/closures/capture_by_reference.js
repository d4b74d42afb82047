let x = 1;
const get = () => x;
x = 2;
console.log(get());
function make() { let v = "a"; const f = () => v; v = "b"; return f; }
console.log(make()());

// expect: 2
// expect: b
