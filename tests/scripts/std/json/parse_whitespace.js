console.log(JSON.parse(" \n\t { \"a\" : [ 1 , 2 ] } \r\n "), JSON.parse("  \"x\"  "));

// expect: { a: [ 1, 2 ] } x
