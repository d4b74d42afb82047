// A `where` method of an ordinary object is ordinary JavaScript: only
// chains that start at a db() call are translated to SQL.
const list = { where(f) { return f({ n: 2 }); } };
console.log(list.where((x) => x.n > 1));
const rows = {
  items: [{ n: 1 }, { n: 5 }],
  where(f) { return this.items.filter(f); },
  orWhere(f) { return this.items.some(f); },
};
console.log(rows.where((r) => r.n.toString() == "5").length, rows.orWhere((r) => r.n > 4));
const db2 = () => ({ table: () => ({ where: (f) => f({ age: 30 }) }) });
console.log(db2().table("users").where((u) => u.age + 1 > 3));
// expect: true
// expect: 1 true
// expect: true
