
try { JSON_NOT_DEFINED.x; } catch { console.log("caught without binding"); }

// expect: caught without binding
