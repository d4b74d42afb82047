log("request", 42, { ok: true });
log();
// expect: request 42 { ok: true }
// expect:
