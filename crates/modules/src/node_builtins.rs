//! The names of Node's built-in modules (`fs`, `node:net`, …): a package
//! that imports one needs Node, which Kitwork is not, and fails at load
//! with a diagnostic that names it.

/// Node's built-in modules, as `require("module").builtinModules` lists
/// them in node 20 (without the `_`-prefixed internals).
const NAMES: &[&str] = &[
    "assert",
    "assert/strict",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "dns/promises",
    "domain",
    "events",
    "fs",
    "fs/promises",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "path/posix",
    "path/win32",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "readline/promises",
    "repl",
    "stream",
    "stream/consumers",
    "stream/promises",
    "stream/web",
    "string_decoder",
    "sys",
    "timers",
    "timers/promises",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "util/types",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// The built-in module `specifier` names (`"fs"`, `"node:fs"`), if any.
pub fn builtin_name(specifier: &str) -> Option<&str> {
    if let Some(rest) = specifier.strip_prefix("node:") {
        return Some(rest);
    }
    NAMES.contains(&specifier).then_some(specifier)
}
