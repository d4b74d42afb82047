console.log("apple" < "banana", "Zebra" < "apple", "abc" < "abd", "ab" < "abc", "10" > "9", "é" > "z");

// expect: true true true true false true
