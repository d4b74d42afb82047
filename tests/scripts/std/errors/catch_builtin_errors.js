const results = [];
try { null.f(); } catch (e) { results.push(e.constructor === TypeError); }
try { undefinedName; } catch (e) { results.push(e instanceof ReferenceError); }
try { JSON.parse("{bad"); } catch (e) { results.push(e instanceof SyntaxError); }
try { (1).toFixed(200); } catch (e) { results.push(e instanceof RangeError); }
console.log(results);

// expect: [ true, true, true, true ]
