console.log("a.b.c".replaceAll(".", "/"), "aaa".replaceAll("aa", "b"), "abc".replace("", "-"), "x+y".replace("+", " plus "));

// expect: a/b/c ba -abc x plus y
