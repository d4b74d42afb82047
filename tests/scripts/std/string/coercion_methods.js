console.log(String.prototype.toUpperCase.call("abc"), "abc".includes(undefined), "undefined".includes(undefined), "null".startsWith(null), "12".padStart(4, 0));

// expect: ABC false true true 0012
