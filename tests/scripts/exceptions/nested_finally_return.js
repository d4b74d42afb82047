function f() {
  const log = [];
  try {
    try { return log; } finally { log.push("inner"); }
  } finally { log.push("outer"); }
}
console.log(f());

// expect: [ 'inner', 'outer' ]
