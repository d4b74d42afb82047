const log = [];
try { log.push("try"); } finally { log.push("finally"); }
try { throw 1; } catch (e) { log.push("catch"); } finally { log.push("finally2"); }
console.log(log);

// expect: [ 'try', 'finally', 'catch', 'finally2' ]
