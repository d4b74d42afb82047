try { JSON.parse('{} x'); } catch (e) { console.log(e.message); }
try { JSON.parse("{'a': 1}"); } catch (e) { console.log(e.message); }
try { JSON.parse('[01]'); } catch (e) { console.log(e.message); }
// expect: Unexpected token 'x' in JSON at line 1 column 4
// expect: Unexpected token '\'' in JSON at line 1 column 2
// expect: Unexpected token '1' in JSON at line 1 column 3
