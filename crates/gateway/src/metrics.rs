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
    pub generation: String,
}

/// The process-wide figures the admin listener adds.
pub struct Process<'a> {
    pub reloads_ok: u64,
    pub reloads_failed: u64,
    pub generation: &'a str,
    pub generation_number: u64,
}

/// Escapes a label value for the text format.
fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The metrics in Prometheus' text exposition format (version 0.0.4).
pub fn render(cores: &[Snapshot], p: &Process) -> String {
    let mut out = String::new();
    let family = |out: &mut String, name: &str, kind: &str, help: &str| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    };
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
    per_core(
        &mut out,
        "kitwork_open_connections",
        "gauge",
        "Connections open now.",
        &|c| c.open_connections.to_string(),
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
