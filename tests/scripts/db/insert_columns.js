// A multi-row insert takes the union of its rows' keys: a key a row lacks
// gets the column's default (not NULL, and a later row's extra key is not
// dropped), in one statement that keeps the rows' order, all or nothing.
db().query("CREATE TABLE goods (id __ID__, sku TEXT UNIQUE, price REAL DEFAULT 9, stock INTEGER DEFAULT 0)");
const rows = db().table("goods").insert([{ sku: "M1", price: 1 }, { sku: "M2", price: 7, stock: 5 }]);
console.log(rows.map((r) => `${r.sku}:${r.price}:${r.stock}`).join(" "));
// expect: M1:1:0 M2:7:5
const back = db().table("goods").insert([{ sku: "N1", price: 2, stock: 4 }, { sku: "N2" }, { sku: "N3" }, { sku: "N4", stock: 1 }]);
console.log(back.map((r) => `${r.sku}:${r.price}:${r.stock}`).join(" "));
// expect: N1:2:4 N2:9:0 N3:9:0 N4:9:1
console.log(JSON.stringify(db().table("goods").select("sku", "price", "stock").where("sku", "M2").first()));
// expect: {"sku":"M2","price":7,"stock":5}
// Rows without any key each get a row of defaults.
const blank = db().table("goods").insert([{}, {}]);
console.log(blank.length, blank[0].price, blank[1].stock, blank[0].id !== blank[1].id);
// expect: 2 9 0 true
// A failing part rolls back the parts before it.
const before = db().table("goods").count();
try {
  db().table("goods").insert([{ sku: "P1" }, { sku: "P2", stock: 1 }, { sku: "M1", price: 3 }]);
} catch (e) {
  console.log("refused");
}
// expect: refused
console.log(db().table("goods").count() - before, db().table("goods").where("sku", "P1").count());
// expect: 0 0
