// A function declared later and a top-level `let`, both captured by an
// exported function: the environment and the frame must not mix them up.
export function first() {
  return helper() + suffix;
}
let suffix = "!";
function helper() {
  return "helper";
}
