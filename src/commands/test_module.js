// The `kitwork:test` module that `kitwork test` gives test files:
//   import { test, expect, get, post } from "kitwork:test";
// `get`/`post`/`request` call the routes of the work folder, served for
// the run by a `kitwork serve` on a port of its own. BASE_URL is filled
// in by the runner (src/commands/test.rs).

export const baseUrl = "__KITWORK_BASE_URL__";

const tests = [];

/** Registers a test; `kitwork test` runs them in order after the file loaded. */
export function test(name, fn) {
  if (typeof fn !== "function") throw new TypeError(`test("${name}") needs a function`);
  tests.push({ name: String(name), fn });
}

/** `method` `path` on the work folder's routes: the http() response. */
export function request(method, path, body, options) {
  const url = baseUrl + path;
  const client = http();
  switch (String(method).toUpperCase()) {
    case "GET": return client.get(url, options);
    case "POST": return client.post(url, body, options);
    case "PUT": return client.put(url, body, options);
    case "PATCH": return client.patch(url, body, options);
    case "DELETE": return client.delete(url, options);
    default: throw new TypeError(`request(): unsupported method ${method}`);
  }
}

export const get = (path, options) => request("GET", path, undefined, options);
export const post = (path, body, options) => request("POST", path, body, options);

function show(v) {
  if (typeof v === "string") return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function deepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

function fail(message) {
  const e = new Error(message);
  e.name = "AssertionError";
  throw e;
}

/** expect(actual).toBe(expected), .toEqual, .toContain, .toBeTruthy, .toThrow, and .not. */
export function expect(actual) {
  const make = (negate) => {
    const check = (ok, says) => {
      if (ok === negate) fail(`expected ${show(actual)} ${negate ? "not " : ""}${says}`);
    };
    return {
      toBe: (expected) => check(Object.is(actual, expected), `to be ${show(expected)}`),
      toEqual: (expected) => check(deepEqual(actual, expected), `to equal ${show(expected)}`),
      toContain: (item) =>
        check(
          typeof actual === "string" ? actual.includes(item) : Array.from(actual).some((x) => deepEqual(x, item)),
          `to contain ${show(item)}`,
        ),
      toBeTruthy: () => check(!!actual, "to be truthy"),
      toThrow: (text) => {
        let threw = false;
        let message = "";
        try {
          actual();
        } catch (e) {
          threw = true;
          message = String(e && e.message);
        }
        check(threw && (text === undefined || message.includes(text)), text === undefined ? "to throw" : `to throw ${show(text)}`);
      },
    };
  };
  const positive = make(false);
  positive.not = make(true);
  return positive;
}

/** Runs the registered tests of `file`; throws when one failed. */
export function run(file) {
  let failed = 0;
  tests.forEach(({ name, fn }, i) => {
    try {
      fn();
      console.log(`ok ${i + 1} - ${file}: ${name}`);
    } catch (e) {
      failed++;
      console.log(`not ok ${i + 1} - ${file}: ${name}`);
      // The message and where in the test files it happened, without the
      // runner's own frames.
      const lines = String((e && e.stack) || e)
        .split("\n")
        .filter((l) => !/kitwork:test|\[kitwork test\]|<modules>|\(native\)/.test(l));
      console.log(`  ${lines.join("\n  ")}`);
    }
  });
  const total = tests.length;
  tests.length = 0;
  if (failed > 0) throw new Error(`${failed} of ${total} test(s) failed`);
  return total;
}
