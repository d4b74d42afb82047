try { JSON.parse('{"a": 1,}'); } catch (e) { console.log(e.name + ": " + e.message); }
// expect: SyntaxError: Unexpected token '}' in JSON at line 1 column 9
