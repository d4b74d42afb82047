const s = "añb";
console.log(s.length, s[1], s.slice(1), s.indexOf("b"), s.split(""), [...s]);

// expect: 3 ñ ñb 2 [ 'a', 'ñ', 'b' ] [ 'a', 'ñ', 'b' ]
