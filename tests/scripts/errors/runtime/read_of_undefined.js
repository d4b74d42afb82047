const cfg = {};
console.log(cfg.db.host);
// expect runtime error: TypeError: Cannot read properties of undefined (reading 'host')
