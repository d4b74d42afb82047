// memory: 1000000
// A result larger than what is left of the request's memory budget is a
// catchable error, read no further than the budget, not a process out of memory.
db().query("CREATE TABLE big (id __ID__, body TEXT)");
db().query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000) INSERT INTO big (body) SELECT 'row number ' || x FROM c");
try {
  db().table("big").get();
} catch (e) {
  console.log(e.message.startsWith("the result is larger than what is left of the request's memory budget"));
}
// expect: true
console.log(db().table("big").count(), db().table("big").orderBy("id").limit(3).get().length);
// expect: 50000 3
