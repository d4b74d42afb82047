// transaction(): commits when the body returns, rolls back when it throws.
db().query("CREATE TABLE acct (id __ID__, owner TEXT, balance INTEGER)");
db().table("acct").insert([{ owner: "a", balance: 100 }, { owner: "b", balance: 0 }]);
const move = (amount) =>
  db().transaction(() => {
    const from = db().table("acct").where("owner", "a").first();
    if (from.balance < amount) throw new Error("insufficient funds");
    db().table("acct").where("owner", "a").update({ balance: from.balance - amount });
    db().table("acct").where("owner", "b").update({ balance: db().table("acct").where("owner", "b").first().balance + amount });
    return from.balance - amount;
  });
console.log(move(30));
// expect: 70
try {
  move(500);
} catch (e) {
  console.log(e.message);
}
// expect: insufficient funds
const balances = () => db().table("acct").orderBy("id").get().map((r) => r.balance).join(" ");
console.log(balances());
// expect: 70 30
try {
  db().transaction(() => {
    db().table("acct").where("owner", "a").update({ balance: 0 });
    db().query("SELECT * FROM no_such_table");
  });
} catch (e) {
  console.log("rolled back");
}
// expect: rolled back
console.log(balances());
// expect: 70 30
const r = db().transaction(() => ({ n: db().table("acct").count() }));
console.log(r.n);
// expect: 2
// Many transactions at once: on SQLite they take turns (one writer); on
// PostgreSQL each core has at most 16 transaction connections, the rest wait.
const many = parallel(
  Array.from({ length: 40 }, (_, i) => () =>
    db().transaction(() => {
      db().table("acct").insert({ owner: "p" + i, balance: i });
      return i;
    }),
  ),
);
console.log(many.length, many[39], db().table("acct").where("owner", "like", "p%").count());
// expect: 40 39 40
