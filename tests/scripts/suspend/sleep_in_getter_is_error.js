// A getter runs in a nested run on the host stack: it cannot wait (yet).
const o = { get x() { sleep(0); return 1; } };
try { o.x; } catch (e) { console.log(e.message.startsWith("cannot wait for I/O")); }
// expect: true
