try { JSON.parse('{\n  "a": 1,\n  "b": tru\n}'); } catch (e) { console.log(e.message); }
// expect: Unexpected token '\n' in JSON at line 3 column 11
