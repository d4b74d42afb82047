console.log("Hello".toUpperCase(), "Hello".toLowerCase(), "straße".toUpperCase(), "ÉCOLE".toLowerCase());

// expect: HELLO hello STRASSE école
