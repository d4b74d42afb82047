// A tagged template's strings object is made once per site: the same
// object each time that code runs, a different one for another site.
function tag(strings) {
  return strings;
}
function site() {
  return tag`a${1}b`;
}
const first = site();
console.log(first === site(), Object.isFrozen(first), Object.isFrozen(first.raw));
console.log(first === tag`a${1}b`);
const seen = [];
for (let i = 0; i < 3; i++) seen.push(tag`x`);
console.log(seen[0] === seen[1] && seen[1] === seen[2]);
console.log(JSON.stringify(first), JSON.stringify(first.raw));

// expect: true true true
// expect: false
// expect: true
// expect: ["a","b"] ["a","b"]
