console.log("a,b,c".split(","), "a,b,c".split(",", 2), "abc".split(""), "a".split(","), "".split(","), "a, b,c".split(", "), "abc".split());

// expect: [ 'a', 'b', 'c' ] [ 'a', 'b' ] [ 'a', 'b', 'c' ] [ 'a' ] [ '' ] [ 'a', 'b,c' ] [ 'abc' ]
