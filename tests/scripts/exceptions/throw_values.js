for (const v of [1, "s", null, { a: 1 }]) {
  try { throw v; } catch (e) { console.log(e); }
}

// expect: 1
// expect: s
// expect: null
// expect: { a: 1 }
