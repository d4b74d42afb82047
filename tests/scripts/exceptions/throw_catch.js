
try { throw new Error("boom"); } catch (e) { console.log(e.message, e.name, e instanceof Error); }

// expect: boom Error true
