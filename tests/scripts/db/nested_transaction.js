// A transaction inside a transaction is a savepoint: it commits with the
// outer one, rolls back alone when it throws, and never waits on the lock
// its outer transaction holds (on SQLite that deadlocked forever, and
// every later write failed with "database is locked").
db().query("CREATE TABLE acc (id __ID__, n INTEGER)");
const count = db().transaction(() => {
  db().table("acc").insert({ n: 1 });
  try {
    db().transaction(() => {
      db().table("acc").insert({ n: 2 });
      throw new Error("inner");
    });
  } catch (e) {
    console.log("caught", e.message);
  }
  db().transaction(() => db().transaction(() => db().table("acc").insert({ n: 3 })));
  return db().table("acc").count();
});
// expect: caught inner
console.log(count, JSON.stringify(db().table("acc").select("n").orderBy("n").get()));
// expect: 2 [{"n":1},{"n":3}]
db().table("acc").insert({ n: 4 });
console.log(db().table("acc").count());
// expect: 3
try {
  db().transaction(() => {
    db().transaction(() => db().table("acc").insert({ n: 5 }));
    throw new Error("outer");
  });
} catch (e) {
  console.log("caught", e.message);
}
// expect: caught outer
console.log(db().table("acc").count(), db().table("acc").where("n", 5).count());
// expect: 3 0
