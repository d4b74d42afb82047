try { JSON.parse('[1, 2'); } catch (e) { console.log(e.message); }
try { JSON.parse(''); } catch (e) { console.log(e.message); }
// expect: Unexpected end of JSON input at line 1 column 6
// expect: Unexpected end of JSON input at line 1 column 1
