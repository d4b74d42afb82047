const v = JSON.parse('{"a":1,"b":[true,false,null],"c":{"d":"x"},"e":-1.5e2}');
console.log(v, v.b.length, typeof v.e);
console.log(JSON.parse("42"), JSON.parse('"s"'), JSON.parse("null"), JSON.parse(" [ ] "), JSON.parse("{}"));

// expect: { a: 1, b: [ true, false, null ], c: { d: 'x' }, e: -150 } 3 number
// expect: 42 s null [] {}
