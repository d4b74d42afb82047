// A where() lambda that has no SQL meaning is a compile error at the part
// that cannot be translated.
const q = { where() {} };
q.where((u) => u.name.toUpperCase() == "BOB");
q.where((u) => u.age + 1 > 3);
q.where((u) => u.age > limit());
q.where((u) => u.a ?? u.b);
q.where((u) => { if (u.a) return true; return false; });
q.where((u) => u["weird-name"] == 1);
q.where((u) => u.a == u);
// expect error: 4:16: this where() lambda cannot be translated to SQL: calls are not translated (compute the value before the query)
// expect error: 5:16: this where() lambda cannot be translated to SQL: `u` can only be used as `u.column`
// expect error: 6:24: this where() lambda cannot be translated to SQL: calls are not translated (compute the value before the query)
// expect error: 7:16: this where() lambda cannot be translated to SQL: only comparisons joined with && || ! can be translated
// expect error: 8:9: this where() lambda cannot be translated to SQL: only a single condition can be translated
// expect error: 9:16: this where() lambda cannot be translated to SQL: `u` can only be used as `u.column`
// expect error: 10:23: this where() lambda cannot be translated to SQL: `u` can only be used as `u.column`
