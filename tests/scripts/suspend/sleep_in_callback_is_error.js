try { [1].forEach(() => sleep(0)); } catch (e) { console.log(e.message.startsWith("cannot wait for I/O inside a callback")); }
// expect: true
