// Helpers routes import. Module state is read-only while serving: keep
// per-request values in handlers, shared ones in db().
export function greet(name) {
  return `hello, ${name}`;
}
