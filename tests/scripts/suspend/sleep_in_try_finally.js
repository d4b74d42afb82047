const log = [];
try { sleep(0); log.push("after sleep"); throw new Error("x"); } catch (e) { sleep(0); log.push("caught"); } finally { log.push("finally"); }
console.log(log);
// expect: [ 'after sleep', 'caught', 'finally' ]
