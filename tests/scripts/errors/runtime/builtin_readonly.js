// The realm's constants are read-only (scripts may change the rest of the
// realm: tests/scripts/builtins/extending_builtins.js).
Math.PI = 3;
// expect runtime error: TypeError: Cannot assign to read only property 'PI' of object
