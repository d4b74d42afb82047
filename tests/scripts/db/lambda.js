// where() lambdas are translated to SQL when the file is compiled.
db().query("CREATE TABLE users (id __ID__, username TEXT, age INTEGER, city TEXT, admin BOOLEAN)");
db().table("users").insert([
  { username: "bob", age: 30, city: "Oslo", admin: true },
  { username: "ann", age: 17, city: null, admin: false },
  { username: "cy", age: 45, city: "Rome", admin: false },
]);
const names = (rows) => rows.map((r) => r.username).join(",");
const min = 18;
console.log(names(db().table("users").where((u) => u.username == "bob" && u.age >= min).get()));
// expect: bob
console.log(names(db().table("users").where((u) => u.age < min || u.city === "Rome").orderBy("id").get()));
// expect: ann,cy
console.log(names(db().table("users").where((u) => u.city == null).get()));
// expect: ann
console.log(names(db().table("users").where((u) => u.city != null && !(u.age > 40)).get()));
// expect: bob
console.log(names(db().table("users").where((u) => u.admin).get()));
// expect: bob
const person = { name: "cy", years: 40 };
console.log(names(db().table("users").where((u) => u.username === person.name && u.age > person.years - 1).get()));
// expect: cy
console.log(names(db().table("users").where((u) => { return `${person.name}` == u.username; }).get()));
// expect: cy
console.log(names(db().table("users").where("age", ">", 20).orWhere((u) => u.username == "ann").orderBy("id").get()));
// expect: bob,ann,cy
const evil = "x' OR 1=1 --";
console.log(db().table("users").where((u) => u.username == evil).count());
// expect: 0
