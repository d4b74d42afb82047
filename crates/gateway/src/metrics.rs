//! Per-core counters. A core counts in plain fields behind its own
//! `RefCell` — no atomics, nothing shared on the request path — and hands
//! a copy to the admin listener when asked (`Snapshot`), which merges the
//! cores into Prometheus' text format.

use std::collections::HashMap;
use std::fmt::Write;

/// Latency histogram bounds, in seconds.
pub const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// One route's requests on one core.
#[derive(Clone, Debug, Default)]
pub struct RouteStats {
    /// Responses by status class: 1xx … 5xx.
    pub by_class: [u64; 5],
    /// Requests at or under each bound of `BUCKETS` (not cumulative here).
    pub buckets: [u64; BUCKETS.len()],
    pub count: u64,
    pub seconds: f64,
}

impl RouteStats {
    pub fn record(&mut self, status: u16, seconds: f64) {
        let class = (status / 100).clamp(1, 5) as usize - 1;
        self.by_class[class] += 1;
        if let Some(i) = BUCKETS.iter().position(|&b| seconds <= b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.seconds += seconds;
    }
}

/// Everything one core counts. Routes keep their slot across reloads
/// (counters never go back), keyed by method and pattern.
#[derive(Clone, Debug, Default)]
pub struct CoreStats {
    /// (method, pattern, stats); slot 0 (`*`, `(unmatched)`) counts the
    /// requests no route took (404, 405).
    pub routes: Vec<(String, String, RouteStats)>,
    slots: HashMap<(String, String), usize>,
    pub script_errors: u64,
    pub budget_instructions: u64,
    pub budget_memory: u64,
    pub wire: WireStats,
}

/// TLS versions counted, in `WireStats::handshakes`' order (listener.rs
/// counts by these indices).
pub const TLS_VERSIONS: [&str; 2] = ["1.2", "1.3"];
/// ALPN results counted, in `WireStats::handshakes`' order.
pub const ALPN: [&str; 3] = ["h2", "http/1.1", "none"];

/// The TLS and HTTP/2 counters of one core.
#[derive(Clone, Debug, Default)]
pub struct WireStats {
    /// Completed handshakes by TLS version, ALPN result and whether the
    /// session was resumed: `[version][alpn][resumed]`.
    pub handshakes: [[[u64; 2]; ALPN.len()]; TLS_VERSIONS.len()],
    /// Handshakes that failed or timed out.
    pub handshake_failures: u64,
    pub h2_connections: u64,
    pub h2_streams: u64,
    /// Streams the client reset before their answer was sent.
    pub h2_resets: u64,
    /// Connections sent GOAWAY for resetting too many of their streams.
    pub h2_goaway_abuse: u64,
    /// Streams refused (REFUSED_STREAM) while their connection held its
    /// budget of request bodies.
    pub h2_refused: u64,
    /// Responses whose body a script streamed, and those of them cut
    /// short (the script failed, or the client went away).
    pub streamed: u64,
    pub streams_cut: u64,
}

impl CoreStats {
    pub fn new() -> CoreStats {
        let mut s = CoreStats::default();
        s.routes
            .push(("*".into(), "(unmatched)".into(), RouteStats::default()));
        s
    }

    /// The slot of a route, made on first sight (when a generation loads).
    pub fn slot(&mut self, method: &str, pattern: &str) -> usize {
        let key = (method.to_string(), pattern.to_string());
        if let Some(&i) = self.slots.get(&key) {
            return i;
        }
        self.routes
            .push((key.0.clone(), key.1.clone(), RouteStats::default()));
        self.slots.insert(key, self.routes.len() - 1);
        self.routes.len() - 1
    }
}

/// What a core reports when scraped.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub core: usize,
    pub stats: CoreStats,
    pub open_connections: usize,
    /// WebSockets open now (script endpoints).
    pub open_sockets: usize,
    /// Idle connections parked now (no buffers, no task state).
    pub parked_connections: usize,
    pub generation: String,
}

/// The process-wide figures the admin listener adds.
pub struct Process<'a> {
    pub reloads_ok: u64,
    pub reloads_failed: u64,
    /// Certificate reloads that took and that failed, when TLS is on.
    pub tls_reloads: Option<(u64, u64)>,
    pub generation: &'a str,
    pub generation_number: u64,
}

/// Escapes a label value for the text format.
fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A family's `# HELP` and `# TYPE` lines.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The metrics in Prometheus' text exposition format (version 0.0.4).
pub fn render(cores: &[Snapshot], p: &Process) -> String {
    let mut out = String::new();
    family(
        &mut out,
        "kitwork_requests_total",
        "counter",
        "Responses by route, status class and core.",
    );
    // Each route's labels, made once for both families.
    let routes: Vec<(String, &RouteStats)> = cores
        .iter()
        .flat_map(|c| {
            c.stats.routes.iter().map(move |(method, pattern, s)| {
                let labels = format!(
                    "core=\"{}\",method=\"{}\",route=\"{}\"",
                    c.core,
                    label(method),
                    label(pattern)
                );
                (labels, s)
            })
        })
        .collect();
    for (labels, s) in &routes {
        for (i, n) in s.by_class.iter().enumerate() {
            if *n > 0 {
                let _ = writeln!(
                    out,
                    "kitwork_requests_total{{{labels},status=\"{}xx\"}} {n}",
                    i + 1
                );
            }
        }
    }
    family(
        &mut out,
        "kitwork_request_duration_seconds",
        "histogram",
        "Time from parsed request to written response, by route and core.",
    );
    for (labels, s) in &routes {
        if s.count == 0 {
            continue;
        }
        let mut cumulative = 0;
        for (b, n) in BUCKETS.iter().zip(&s.buckets) {
            cumulative += n;
            let _ = writeln!(
                out,
                "kitwork_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "kitwork_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            s.count
        );
        let _ = writeln!(
            out,
            "kitwork_request_duration_seconds_sum{{{labels}}} {}",
            s.seconds
        );
        let _ = writeln!(
            out,
            "kitwork_request_duration_seconds_count{{{labels}}} {}",
            s.count
        );
    }
    let per_core =
        |out: &mut String, name: &str, kind: &str, help: &str, f: &dyn Fn(&Snapshot) -> String| {
            family(out, name, kind, help);
            for c in cores {
                let _ = writeln!(out, "{name}{{core=\"{}\"}} {}", c.core, f(c));
            }
        };
    per_core(
        &mut out,
        "kitwork_script_errors_total",
        "counter",
        "Requests whose script threw an uncaught error.",
        &|c| c.stats.script_errors.to_string(),
    );
    family(
        &mut out,
        "kitwork_budget_exhausted_total",
        "counter",
        "Requests stopped by their instruction or memory budget.",
    );
    for c in cores {
        let _ = writeln!(
            out,
            "kitwork_budget_exhausted_total{{core=\"{}\",budget=\"instructions\"}} {}",
            c.core, c.stats.budget_instructions
        );
        let _ = writeln!(
            out,
            "kitwork_budget_exhausted_total{{core=\"{}\",budget=\"memory\"}} {}",
            c.core, c.stats.budget_memory
        );
    }
    render_wire(&mut out, cores);
    per_core(
        &mut out,
        "kitwork_open_connections",
        "gauge",
        "Connections open now.",
        &|c| c.open_connections.to_string(),
    );
    per_core(
        &mut out,
        "kitwork_connections_parked",
        "gauge",
        "Idle keep-alive connections parked now: no buffers, a small task each (counted in the connections too).",
        &|c| c.parked_connections.to_string(),
    );
    per_core(
        &mut out,
        "kitwork_websockets_open",
        "gauge",
        "WebSockets open now on script endpoints (counted in the connections too).",
        &|c| c.open_sockets.to_string(),
    );
    family(
        &mut out,
        "kitwork_reloads_total",
        "counter",
        "Reloads that swapped in a new generation, and reloads that failed.",
    );
    let _ = writeln!(
        out,
        "kitwork_reloads_total{{result=\"ok\"}} {}",
        p.reloads_ok
    );
    let _ = writeln!(
        out,
        "kitwork_reloads_total{{result=\"failed\"}} {}",
        p.reloads_failed
    );
    if let Some((ok, failed)) = p.tls_reloads {
        family(
            &mut out,
            "kitwork_tls_reloads_total",
            "counter",
            "Certificate reloads that took effect, and those that failed (the old certificates stayed).",
        );
        let _ = writeln!(out, "kitwork_tls_reloads_total{{result=\"ok\"}} {ok}");
        let _ = writeln!(
            out,
            "kitwork_tls_reloads_total{{result=\"failed\"}} {failed}"
        );
    }
    family(
        &mut out,
        "kitwork_generation",
        "gauge",
        "The generation being served (its number; the id is a label).",
    );
    let _ = writeln!(
        out,
        "kitwork_generation{{id=\"{}\"}} {}",
        label(p.generation),
        p.generation_number
    );
    family(
        &mut out,
        "kitwork_core_generation",
        "gauge",
        "The generation each core serves new requests on.",
    );
    for c in cores {
        let number = c.generation.split('-').next().unwrap_or("0");
        let _ = writeln!(
            out,
            "kitwork_core_generation{{core=\"{}\",id=\"{}\"}} {number}",
            c.core,
            label(&c.generation)
        );
    }
    out
}

/// The TLS and HTTP/2 families.
fn render_wire(out: &mut String, cores: &[Snapshot]) {
    family(
        out,
        "kitwork_tls_handshakes_total",
        "counter",
        "Completed TLS handshakes by version, ALPN protocol and resumption.",
    );
    for c in cores {
        for (v, by_alpn) in c.stats.wire.handshakes.iter().enumerate() {
            for (a, by_resumed) in by_alpn.iter().enumerate() {
                for (resumed, n) in by_resumed.iter().enumerate() {
                    if *n > 0 {
                        let _ = writeln!(
                            out,
                            "kitwork_tls_handshakes_total{{core=\"{}\",version=\"{}\",alpn=\"{}\",resumed=\"{}\"}} {n}",
                            c.core,
                            TLS_VERSIONS[v],
                            ALPN[a],
                            resumed == 1
                        );
                    }
                }
            }
        }
    }
    type Counter = (&'static str, &'static str, fn(&WireStats) -> u64);
    let counters: [Counter; 8] = [
        (
            "kitwork_tls_handshake_failures_total",
            "TLS handshakes that failed or timed out.",
            |w| w.handshake_failures,
        ),
        (
            "kitwork_http2_connections_total",
            "HTTP/2 connections (over TLS and cleartext).",
            |w| w.h2_connections,
        ),
        (
            "kitwork_http2_streams_total",
            "HTTP/2 streams (requests).",
            |w| w.h2_streams,
        ),
        (
            "kitwork_http2_resets_total",
            "HTTP/2 streams the client reset before their answer was sent.",
            |w| w.h2_resets,
        ),
        (
            "kitwork_http2_refused_total",
            "HTTP/2 streams refused while their connection held its budget of request bodies.",
            |w| w.h2_refused,
        ),
        (
            "kitwork_streamed_responses_total",
            "Responses whose body a script streamed (chunked, or HTTP/2 DATA frames).",
            |w| w.streamed,
        ),
        (
            "kitwork_streamed_responses_cut_total",
            "Streamed responses cut short: the script failed, or the client went away.",
            |w| w.streams_cut,
        ),
        (
            "kitwork_http2_goaway_abuse_total",
            "HTTP/2 connections told to go away for resetting too many streams.",
            |w| w.h2_goaway_abuse,
        ),
    ];
    for (name, help, read) in counters {
        family(out, name, "counter", help);
        for c in cores {
            let _ = writeln!(out, "{name}{{core=\"{}\"}} {}", c.core, read(&c.stats.wire));
        }
    }
}
