// Database calls inside the callbacks of array methods, of bound functions
// and of call/apply: each one suspends the run and resumes it with its rows.
db().query("CREATE TABLE users (id __ID__, name TEXT, age INTEGER)");
["ann", "bob", "cy"].forEach((name, i) => db().table("users").insert({ name, age: 20 + i }));
console.log(db().table("users").count());
// expect: 3
const ids = [3, 1, 2];
const users = ids.map((id) => db().table("users").where("id", id).first());
console.log(users.map((u) => u.name).join(","));
// expect: cy,ann,bob
const adults = ids.filter((id) => db().table("users").where("id", id).first().age >= 21);
console.log(adults);
// expect: [ 3, 2 ]
const total = ids.reduce((sum, id) => sum + db().table("users").where("id", id).first().age, 0);
console.log(total);
// expect: 63
const byAge = [1, 2, 3].sort((a, b) =>
  db().table("users").where("id", b).first().age - db().table("users").where("id", a).first().age);
console.log(byAge);
// expect: [ 3, 2, 1 ]
const found = ids.find((id) => db().table("users").where("id", id).first().name === "bob");
console.log(found);
// expect: 2
function nameOf(id) { return db().table("users").where("id", id).first()[this.field]; }
console.log(nameOf.call({ field: "name" }, 1), nameOf.apply({ field: "age" }, [2]), ids.map(nameOf.bind({ field: "name" })));
// expect: ann 21 [ 'cy', 'ann', 'bob' ]
try {
  ids.map((id) => db().query("SELECT * FROM missing WHERE id = ?", [id]));
} catch (e) {
  console.log("caught:", e instanceof Error);
}
// expect: caught: true
