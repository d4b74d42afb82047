// Literals and `new RegExp`, flags, lastIndex, exec and test.
const re = /(\d{4})-(\d{2})-(\d{2})/;
const m = re.exec("due 2024-03-15, paid 2024-04-01");
console.log(m[0], m[1], m[2], m[3], m.index, m.input.length, m.groups);
console.log(re.test("no date"), re.test("1999-12-31"));

const g = /o/g;
console.log(g.lastIndex, g.test("foo"), g.lastIndex, g.test("foo"), g.lastIndex, g.test("foo"), g.lastIndex);

const y = /a/y;
console.log(y.test("ba"), y.lastIndex);
y.lastIndex = 1;
console.log(y.test("ba"), y.lastIndex);

const all = new RegExp("x", "dgimsuy");
console.log(all.flags, all.hasIndices, all.global, all.ignoreCase, all.multiline, all.dotAll, all.unicode, all.sticky);
console.log(String(new RegExp("a/b")), new RegExp("").source, new RegExp("\n").source);
console.log(RegExp.prototype.source, RegExp.prototype.global, RegExp.prototype.flags);

const d = /(?<word>b+)/d.exec("aabbb");
console.log(d.indices[0], d.indices[1], d.indices.groups.word);

for (const bad of ["(", "[b-a]", "a{2,1}", "(?<n>a)(?<n>b)"]) {
  try {
    new RegExp(bad);
  } catch (e) {
    console.log(e.name, e instanceof SyntaxError);
  }
}
try {
  new RegExp("a", "gg");
} catch (e) {
  console.log(e.name);
}
const copy = new RegExp(/ab+c/gi);
console.log(copy.source, copy.flags, new RegExp(/ab+c/gi, "m").flags);
console.log(RegExp(g) === g, new RegExp(g) === g);

// expect: 2024-03-15 2024 03 15 4 31 undefined
// expect: false true
// expect: 0 true 2 true 3 false 0
// expect: false 0
// expect: true 2
// expect: dgimsuy true true true true true true true
// expect: /a\/b/ (?:) \n
// expect: (?:) undefined 
// expect: [ 2, 5 ] [ 2, 5 ] [ 2, 5 ]
// expect: SyntaxError true
// expect: SyntaxError true
// expect: SyntaxError true
// expect: SyntaxError true
// expect: SyntaxError
// expect: ab+c gi m
// expect: true false
