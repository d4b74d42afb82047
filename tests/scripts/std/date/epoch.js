const d = new Date(0);
console.log(d.toISOString(), d.getTime(), d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCDay(), d.getUTCHours());

// expect: 1970-01-01T00:00:00.000Z 0 1970 0 1 4 0
