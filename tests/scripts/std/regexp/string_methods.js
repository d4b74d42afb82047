// String's methods with regular expressions, and GetSubstitution.
const s = "The Quick brown fox jumps over the lazy dog";
console.log(s.match(/the/gi), s.match(/(qu)(ick)/i).slice(1), s.match(/cat/));
console.log(s.search(/fox/), s.search(/cat/));
console.log(s.replace(/(\w+) (\w+)/, "$2 $1"), s.replace(/o/g, "0"));
console.log("a-b-c".replace(/-/g, "$$"), "abc".replace(/b/, "[$`|$&|$']"));
console.log("2024-03-15".replace(/(?<y>\d+)-(?<m>\d+)-(?<d>\d+)/, "$<d>/$<m>/$<y>"));
console.log("x1y22z".replace(/\d+/g, (m, offset, str) => `(${m}@${offset}/${str.length})`));
console.log("John Smith".replace(/(?<first>\w+) (?<last>\w+)/, (...args) => JSON.stringify(args.at(-1))));
console.log("aaa".replaceAll(/a/g, "b"), "a.b.c".replaceAll(".", "$&$&"));
try {
  "aaa".replaceAll(/a/, "b");
} catch (e) {
  console.log(e.name);
}
console.log("a1b2c3".split(/\d/), "a1b2c3".split(/(\d)/), "abc".split(/(?:)/), "a,b,,c".split(/,/, 2));
console.log([..."k1=v1&k2=v2".matchAll(/(\w+)=(\w+)/g)].map(([, k, v]) => k + ":" + v));
console.log("$1 $10 $01".replace(/(x)?/, "[$1|$10|$01]"));
console.log("abc".replace("b", "$'"), "abc".replace("z", "y"), "aXbX".replace("X", () => "-"));
console.log("tel: 555-1234 or 555-9876".match(/\d{3}-\d{4}/g).join(" and "));

// expect: [ 'The', 'the' ] [ 'Qu', 'ick' ] null
// expect: 16 -1
// expect: Quick The brown fox jumps over the lazy dog The Quick br0wn f0x jumps 0ver the lazy d0g
// expect: a$b$c a[a|b|c]c
// expect: 15/03/2024
// expect: x(1@1/6)y(22@3/6)z
// expect: {"first":"John","last":"Smith"}
// expect: bbb a..b..c
// expect: TypeError
// expect: [ 'a', 'b', 'c', '' ] [
// expect:   'a', '1', 'b',
// expect:   '2', 'c', '3',
// expect:   ''
// expect: ] [ 'a', 'b', 'c' ] [ 'a', 'b' ]
// expect: [ 'k1:v1', 'k2:v2' ]
// expect: [|0|]$1 $10 $01
// expect: acc abc a-bX
// expect: 555-1234 and 555-9876
