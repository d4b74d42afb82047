// A where() lambda on a db() chain that has no SQL meaning is a compile
// error at the part that cannot be translated.
db().table("users").where((u) => u.name.toUpperCase() == "BOB");
db().table("users").where((u) => u.age + 1 > 3);
db().table("users").where((u) => u.age > limit());
db().table("users").where((u) => u.a ?? u.b);
db().table("users").where((u) => { if (u.a) return true; return false; });
db().table("users").where((u) => u["weird-name"] == 1);
db().table("users").orWhere((u) => u.a == u);
// expect error: 3:34: this where() lambda cannot be translated to SQL: calls are not translated (compute the value before the query)
// expect error: 4:34: this where() lambda cannot be translated to SQL: `u` can only be used as `u.column`
// expect error: 5:42: this where() lambda cannot be translated to SQL: calls are not translated (compute the value before the query)
// expect error: 6:34: this where() lambda cannot be translated to SQL: only comparisons joined with && || ! can be translated
// expect error: 7:27: this where() lambda cannot be translated to SQL: only a single condition can be translated
// expect error: 8:34: this where() lambda cannot be translated to SQL: `u` can only be used as `u.column`
// expect error: 9:43: this where() lambda cannot be translated to SQL: `u` can only be used as `u.column`
