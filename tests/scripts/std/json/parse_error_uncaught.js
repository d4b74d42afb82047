JSON.parse("nope");
// expect runtime error: SyntaxError: Unexpected token 'o' in JSON at line 1 column 2
