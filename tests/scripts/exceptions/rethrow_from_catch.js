try {
  try { throw new Error("inner"); } catch (e) { throw new Error("outer:" + e.message); }
} catch (e) { console.log(e.message); }

// expect: outer:inner
