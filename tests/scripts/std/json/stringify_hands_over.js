// The one-pass writer hands over to the general one part-way through.
let deep = 1;
for (let i = 0; i < 70; i++) deep = [deep];
const text = JSON.stringify({ deep });
console.log(text.length, text.slice(0, 12), text.slice(-12));

const late = { rows: [1, "two", { three: 3 }, { four: { toJSON: () => 4 } }], after: true };
console.log(JSON.stringify(late));

const ring = { name: "ring" };
let at = ring;
for (let i = 0; i < 80; i++) { at.next = { i }; at = at.next; }
at.next = ring;
try { JSON.stringify(ring); } catch (e) { console.log(e.name); }

// Strings and keys of every short length, and escapes among them.
const sizes = {};
let word = "";
for (let i = 0; i < 20; i++) { sizes[word] = word; word += String.fromCharCode(97 + i); }
console.log(JSON.stringify(sizes));
console.log(JSON.stringify({ 'quo"te': "line\nbreak", f() {}, u: undefined, n: [undefined, () => 1, NaN, -0, 1e21, 0.1] }));

// expect: 150 {"deep":[[[[ ]]]]]]]]]]]}
// expect: {"rows":[1,"two",{"three":3},{"four":4}],"after":true}
// expect: TypeError
// expect: {"":"","a":"a","ab":"ab","abc":"abc","abcd":"abcd","abcde":"abcde","abcdef":"abcdef","abcdefg":"abcdefg","abcdefgh":"abcdefgh","abcdefghi":"abcdefghi","abcdefghij":"abcdefghij","abcdefghijk":"abcdefghijk","abcdefghijkl":"abcdefghijkl","abcdefghijklm":"abcdefghijklm","abcdefghijklmn":"abcdefghijklmn","abcdefghijklmno":"abcdefghijklmno","abcdefghijklmnop":"abcdefghijklmnop","abcdefghijklmnopq":"abcdefghijklmnopq","abcdefghijklmnopqr":"abcdefghijklmnopqr","abcdefghijklmnopqrs":"abcdefghijklmnopqrs"}
// expect: {"quo\"te":"line\nbreak","n":[null,null,null,0,1e+21,0.1]}
