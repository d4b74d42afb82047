// Awaiting db() calls in async functions: the query waits on the fiber
// (awaiting its result, a plain value, gives the value), before and after
// other awaits, in Promise.all and in parallel() branches.
db().query("CREATE TABLE items (id __ID__, name TEXT)");
async function add(name) {
  await null;
  db().table("items").insert({ name });
  return await db().table("items").count();
}
async function main() {
  const first = await add("a");
  const [x, y] = await Promise.all([add("b"), add("c")]);
  const row = await db().table("items").where("name", "b").first();
  const both = parallel([async () => (await add("d")) > 0, async () => { await 1; return db().table("items").where("name", "a").count(); }]);
  console.log(first, x + y, row.name, both.join());
}
main().catch((e) => console.log("failed", e.message));
// expect: 1 5 b true,1
