// parallel() of database calls, defer() order, errors from a branch.
db().query("CREATE TABLE users (id __ID__, name TEXT)");
db().query("CREATE TABLE products (id __ID__, sku TEXT, price REAL, stock INTEGER)");
db().table("users").insert({ name: "ann" });
db().table("products").insert({ sku: "P1", price: 2.5, stock: 4 });
const { user, product } = parallel({
  user: () => db().table("users").where("id", 1).first(),
  product: () => db().table("products").where("sku", "P1").first(),
});
console.log(user.name, product.price);
// expect: ann 2.5
const [n, m] = parallel([() => db().table("users").count(), () => db().table("products").count()]);
console.log(n + m);
// expect: 2
try {
  parallel([() => db().table("users").count(), () => db().query("SELECT * FROM missing")]);
} catch (e) {
  console.log("branch failed:", e instanceof Error);
}
// expect: branch failed: true
defer(() => console.log("cleanup", db().table("users").count()));
console.log("body done");
// expect: body done
// expect: cleanup 1
