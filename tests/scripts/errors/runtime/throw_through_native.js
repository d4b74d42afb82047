try { [1].forEach(() => { throw new Error("from callback"); }); } catch (e) { console.log("caught:", e.message); }
// expect: caught: from callback
