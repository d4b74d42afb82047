
try { undefinedVariable + 1; } catch (e) { console.log(e.name, e.message); }

// expect: ReferenceError undefinedVariable is not defined
