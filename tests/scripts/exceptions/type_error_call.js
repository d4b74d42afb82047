const o = {};
try { o.missing(); } catch (e) { console.log(e.name, e.message); }
try { null.x; } catch (e) { console.log(e.message); }
try { undefined[0]; } catch (e) { console.log(e.message); }

// expect: TypeError o.missing is not a function
// expect: Cannot read properties of null (reading 'x')
// expect: Cannot read properties of undefined (reading '0')
