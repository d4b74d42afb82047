// Reading: table/from, select, where forms, orderBy, limit, offset, get, first, count, exists.
db().query("CREATE TABLE users (id __ID__, name TEXT NOT NULL, age INTEGER, city TEXT)");
db().table("users").insert([
  { name: "ann", age: 31, city: "Oslo" },
  { name: "bob", age: 17, city: "Rome" },
  { name: "cy", age: 45, city: null },
  { name: "dee", age: 31, city: "Oslo" },
]);
const names = (rows) => rows.map((r) => r.name).join(",");
console.log(names(db().table("users").orderBy("id").get()));
// expect: ann,bob,cy,dee
console.log(names(db().from("users").where("age", 31).orderBy("name", "desc").get()));
// expect: dee,ann
console.log(names(db().table("users").where("age", ">", 20).where("city", "Oslo").orderBy("id").get()));
// expect: ann,dee
console.log(names(db().table("users").where("age", "<", 18).orWhere("name", "cy").orderBy("id").get()));
// expect: bob,cy
console.log(names(db().table("users").where("age", ">=", 31).where("age", "<=", 31).orderBy("id").get()));
// expect: ann,dee
console.log(names(db().table("users").where("name", "!=", "ann").orderBy("id").get()));
// expect: bob,cy,dee
console.log(names(db().table("users").where("name", "like", "%e%").orderBy("id").get()));
// expect: dee
console.log(names(db().table("users").where("name", "in", ["bob", "cy", "zed"]).orderBy("id").get()));
// expect: bob,cy
console.log(names(db().table("users").whereIn("id", [1, 4]).orderBy("id").get()));
// expect: ann,dee
console.log(names(db().table("users").whereNotIn("id", [1, 4]).orderBy("id").get()));
// expect: bob,cy
console.log(names(db().table("users").whereIn("id", []).get()));
// expect:
console.log(names(db().table("users").where("city", null).get()));
// expect: cy
console.log(names(db().table("users").whereNotNull("city").orderBy("id").get()));
// expect: ann,bob,dee
console.log(names(db().table("users").where({ age: 31, city: "Oslo" }).orderBy("id").get()));
// expect: ann,dee
console.log(names(db().table("users").orderBy("age").orderBy("name", "desc").get()));
// expect: bob,dee,ann,cy
console.log(names(db().table("users").orderBy("id").limit(2).get()));
// expect: ann,bob
console.log(names(db().table("users").orderBy("id").limit(2).offset(1).get()));
// expect: bob,cy
console.log(names(db().table("users").orderBy("id").offset(3).get()));
// expect: dee
console.log(JSON.stringify(db().table("users").select("name", "age").where("id", 2).first()));
// expect: {"name":"bob","age":17}
console.log(JSON.stringify(db().table("users").select(["id"]).orderBy("id", "desc").first()));
// expect: {"id":4}
console.log(db().table("users").where("name", "nobody").first());
// expect: null
console.log(db().table("users").count(), db().table("users").where("age", 31).count());
// expect: 4 2
console.log(db().table("users").where("name", "cy").exists(), db().table("users").where("name", "zz").exists());
// expect: true false
console.log(typeof db().table("users").first().id);
// expect: number
const q = db().table("users");
q.where("age", 31);
console.log(q.count());
// expect: 2
