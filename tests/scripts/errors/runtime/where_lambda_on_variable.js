// A lambda is translated only where the compiler sees the db() chain; a
// builder held in a variable gets a clear error, not a silent scan.
const q = db;
q().table("users").where((u) => u.age > 1);
// expect runtime error: TypeError: a where(row => …) lambda is translated to SQL only when it is written on a db() chain: db().table(…).where(row => …)
