const log = [];
try {
  try { throw "x"; } finally { log.push("fin"); }
} catch (e) { log.push("caught " + e); }
console.log(log);

// expect: [ 'fin', 'caught x' ]
