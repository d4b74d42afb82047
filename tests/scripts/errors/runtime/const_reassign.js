// Assigning to a constant is a TypeError when the assignment runs (code
// that never runs may contain one, as the specification says).
const limit = 10;
function never() { limit = 11; }
const k = 1;
const bump = () => { k += 1; };
console.log(limit, typeof never);
try { bump(); } catch (e) { console.log(e.constructor.name, k); }
limit++;
// expect: 10 function
// expect: TypeError 1
// expect runtime error: TypeError: Assignment to constant variable 'limit'.
