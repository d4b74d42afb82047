// Writing: insert one and many (generated keys come back), update, delete, the all() guard.
db().query("CREATE TABLE items (id __ID__, sku TEXT UNIQUE, price REAL, stock INTEGER DEFAULT 0)");
const one = db().table("items").insert({ sku: "A1", price: 9.5, stock: 3 });
console.log(one.id, one.sku, one.price, one.stock);
// expect: 1 A1 9.5 3
const two = db().table("items").insert([{ sku: "B2", price: 1.25 }, { sku: "C3", price: 100 }]);
console.log(two.length, two[0].id, two[1].id, two[0].stock);
// expect: 2 2 3 0
console.log(JSON.stringify(db().table("items").insert([])));
// expect: []
console.log(db().table("items").where("sku", "B2").update({ stock: 7, price: 2 }));
// expect: 1
console.log(JSON.stringify(db().table("items").select("stock", "price").where("sku", "B2").first()));
// expect: {"stock":7,"price":2}
console.log(db().table("items").where("price", ">", 5).update({ stock: 0 }));
// expect: 2
try {
  db().table("items").update({ stock: 1 });
} catch (e) {
  console.log(e.message);
}
// expect: update() without where() would change every row; add .all() if that is meant
try {
  db().table("items").delete();
} catch (e) {
  console.log(e.message);
}
// expect: delete() without where() would change every row; add .all() if that is meant
console.log(db().table("items").all().update({ stock: 5 }));
// expect: 3
console.log(db().table("items").where("sku", "A1").delete());
// expect: 1
console.log(db().table("items").where("sku", "nothing").delete());
// expect: 0
console.log(db().table("items").all().delete(), db().table("items").count());
// expect: 2 0
try {
  db().table("items").insert({ sku: "D4" });
  db().table("items").insert({ sku: "D4" });
} catch (e) {
  console.log("caught:", e instanceof Error, e.message.toLowerCase().includes("unique"));
}
// expect: caught: true true
const raw = db().query("SELECT sku FROM items WHERE sku = $1", "D4");
console.log(JSON.stringify(raw));
// expect: [{"sku":"D4"}]
console.log(db().query("UPDATE items SET stock = $1 WHERE sku = $2", 9, "D4"));
// expect: 1
console.log(JSON.stringify(db().query("SELECT 1 + 1 AS two")));
// expect: [{"two":2}]
