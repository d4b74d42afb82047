// split with patterns: empty matches, captures, limits, u mode; matchAll
// and a global exec loop over empty matches.
const show = (v) => console.log(JSON.stringify(v));
show("test".split(/(t)?/));
show("".split(/a/));
show("".split(/(?:)/));
show("ab".split(/a*?/));
show("ab".split(/a*/));
show("A<B>bold</B>and<CODE>coded</CODE>".split(/<(\/)?([^<>]+)>/));
show("a1b2c3d".split(/\d/, 2));
show("😀x😀".split(/(?:)/u).length);
show("one  two\tthree\nfour".split(/\s+/));
show([..."a1b22c333".matchAll(/\d*/g)].map((m) => [m[0], m.index]));
const re = /a*/g;
const seen = [];
let m;
while ((m = re.exec("baab")) !== null && seen.length < 10) {
  seen.push([m[0], m.index, re.lastIndex]);
}
show(seen);
show("aaa".match(/^a/gm), "a\na".match(/^a/gm), "x".match(/y/g));
show("Über straße".toUpperCase().match(/\p{Lu}+/gu));
class Words extends RegExp {
  exec(s) {
    const r = super.exec(s);
    if (r) r[0] = r[0].toUpperCase();
    return r;
  }
}
show("one two".replace(new Words("\\w+", "g"), "[$&]"));
show(new Words("o").test("xo"), Object.getPrototypeOf(new Words("o")) === Words.prototype);

// expect: ["","t","e",null,"s","t",""]
// expect: [""]
// expect: []
// expect: ["a","b"]
// expect: ["","b"]
// expect: ["A",null,"B","bold","/","B","and",null,"CODE","coded","/","CODE",""]
// expect: ["a","b"]
// expect: 3
// expect: ["one","two","three","four"]
// expect: [["",0],["1",1],["",2],["22",3],["",5],["333",6],["",9]]
// expect: [["",0,0],["",0,0],["",0,0],["",0,0],["",0,0],["",0,0],["",0,0],["",0,0],["",0,0],["",0,0]]
// expect: ["a"]
// expect: ["ÜBER","STRASSE"]
// expect: "[ONE] [TWO]"
// expect: true
