// Values are bound, never spliced; names are checked, never escaped.
db().query("CREATE TABLE users (id __ID__, name TEXT)");
db().table("users").insert({ name: "ann" });
const evil = "x' OR '1'='1";
console.log(db().table("users").where("name", evil).count());
// expect: 0
db().table("users").insert({ name: "Robert'); DROP TABLE users; --" });
console.log(db().table("users").count());
// expect: 2
console.log(db().table("users").where("name", "like", "Robert%").first().name);
// expect: Robert'); DROP TABLE users; --
for (const bad of ["users; DROP TABLE users", "users\"", "1users", "a.b.c", ""]) {
  try {
    db().table(bad).get();
  } catch (e) {
    console.log(e.message);
  }
}
// expect: invalid SQL identifier "users; DROP TABLE users": use letters, digits and _
// expect: invalid SQL identifier "users\"": use letters, digits and _
// expect: invalid SQL identifier "1users": use letters, digits and _
// expect: invalid SQL identifier "a.b.c": use letters, digits and _
// expect: invalid SQL identifier "": use letters, digits and _
try {
  db().table("users").where("name = 'ann' OR 1=1 --", 1).get();
} catch (e) {
  console.log(e.message);
}
// expect: invalid SQL identifier "name = 'ann' OR 1=1 --": use letters, digits and _
try {
  db().table("users").insert({ "name) VALUES ('x'); --": 1 });
} catch (e) {
  console.log(e.message);
}
// expect: invalid SQL identifier "name) VALUES ('x'); --": use letters, digits and _
try {
  db().table("users").where("id", "; DROP", 1).get();
} catch (e) {
  console.log(e.message);
}
// expect: unknown operator "; drop" in where(): use = != < <= > >= like in
try {
  db().table("users").orderBy("id", "desc; DROP TABLE users").get();
} catch (e) {
  console.log(e.message);
}
// expect: orderBy's direction must be "asc" or "desc"
try {
  db().table("users").get();
  db().get();
} catch (e) {
  console.log(e.message);
}
// expect: get() needs a table: db().table("name").get()
console.log(db().table("users").count());
// expect: 2
// The builder refuses the gateway's and the catalogs' own tables: a name
// from user input must not reach them (raw SQL stays the author's).
for (const name of ["kitwork_migrations", "sqlite_master", "pg_user", "information_schema.tables", "KITWORK_x"]) {
  try {
    db().table(name).count();
    console.log("reached", name);
  } catch (e) {
    console.log(e.message);
  }
}
// expect: the table name "kitwork_migrations" is reserved
// expect: the table name "sqlite_master" is reserved
// expect: the table name "pg_user" is reserved
// expect: the table name "information_schema.tables" is reserved
// expect: the table name "KITWORK_x" is reserved
