//! Three kitwork nodes as one cluster, under load, through faults — the
//! integration test of `loadtest/cluster.sh`. Nodes on 127.0.0.2–4 (one
//! core each), HAProxy in front checking each node's `/__kitwork/ready`,
//! a PostgreSQL primary with a synchronous streaming replica of the
//! test's own (the nodes' URL names both, `target_session_attrs=read-write`,
//! and their reads go to the replica), and a Redis of its own that keeps
//! every write (`appendfsync always`). Clients, each one keep-alive
//! connection through HAProxy, ask `/w` in a loop (a read on the replica,
//! a row inserted, a Redis key set) while, in turn: a node gets SIGTERM,
//! one SIGKILL, Redis stops and starts again, the primary stops and the
//! replica is promoted, a deploy that fails on one node is refused, and a
//! deploy of version 2 switches every node.
//!
//! Checked: no failed answer around the SIGTERM; at most one per client
//! around the SIGKILL; service back within seconds of Redis's return and
//! of the promotion, with no restart; nothing changes on the refused
//! deploy; no answer from version 1 to a request sent after the deploy
//! was acknowledged, and no client that saw version 2 later sees version
//! 1; every 2xx answer's row is in the promoted primary and its key in
//! Redis (no lost write).

#[path = "support/captured.rs"]
mod captured;
#[path = "support/pg_pair.rs"]
mod pg_pair;
#[path = "support/redis.rs"]
mod redis;
#[path = "support/server.rs"]
mod server;

use pg_pair::PgPair;
use redis::{OwnRedis, have_redis_server};
use server::{free_port, read_response};
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "cluster-test-token";
const CLIENTS: usize = 6;

/// The app, as version `v`: a read (on the replica), a row and a key.
fn app(v: &str) -> String {
    format!(
        r#"work("Cluster").get("/w", () => {{
  db().query("SELECT 1 AS one");
  const row = db().table("kw_cluster").insert({{ node: env.NODE, v: "{v}" }});
  kv().set("w:" + row.id, "{v}");
  return {{ v: "{v}", id: row.id, node: env.NODE }};
}});
"#
    )
}

struct Node {
    n: u8,
    dir: std::path::PathBuf,
    child: Option<Child>,
}

struct Ports {
    http: u16,
    admin: u16,
}

impl Node {
    fn admin(&self, ports: &Ports) -> String {
        format!("127.0.0.{}:{}", self.n, ports.admin)
    }

    /// Starts it (again, on the folder it has) and waits until it is ready.
    fn start(&mut self, ports: &Ports, db: &str, kv: &str) {
        let child = Command::new(env!("CARGO_BIN_EXE_kitwork"))
            .args(["serve", "--cores", "1", "--work", "work"])
            .args(["--listen", &format!("127.0.0.{}:{}", self.n, ports.http)])
            .args(["--admin", &self.admin(ports)])
            .args(["--db", db, "--kv", kv])
            .current_dir(&self.dir)
            .stdout(Stdio::null())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.dir.join("log"))
                    .unwrap(),
            )
            .spawn()
            .unwrap();
        self.child = Some(child);
        let admin = self.admin(ports);
        let ready = wait_for(Duration::from_secs(30), || {
            status_of(&admin, "/__kitwork/ready") == Some(200)
        });
        assert!(
            ready.is_some(),
            "node {} did not become ready: {}",
            self.n,
            self.log()
        );
    }

    fn signal(&mut self, name: &str) {
        let mut child = self.child.take().unwrap();
        let ok = Command::new("kill")
            .args([name, &child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let _ = child.wait();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A process ended when the test ends, also when it fails.
struct Ended(Child);

impl Drop for Ended {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The status of `GET path` on a new connection to `addr`, if it answered.
fn status_of(addr: &str, path: &str) -> Option<u16> {
    let mut c = TcpStream::connect(addr).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    c.write_all(format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes())
        .ok()?;
    read_response(&mut BufReader::new(c)).map(|r| r.status)
}

/// Polls `done` every 20 ms until `limit`; how long it took.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// One answer a client saw.
#[derive(Clone, Debug)]
struct Answer {
    client: usize,
    sent: Instant,
    /// When the answer (or the failure) came.
    done: Instant,
    /// 0: the connection failed before an answer.
    status: u16,
    version: String,
    id: Option<i64>,
    /// What a failed answer said (its start).
    said: String,
}

fn field<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let at = body.find(&format!("\"{name}\":"))? + name.len() + 3;
    let rest = body[at..].trim_start_matches('"');
    let end = rest.find(['"', ',', '}'])?;
    Some(&rest[..end])
}

/// A client: one keep-alive connection through the balancer (a new one
/// when it is closed), asking `/w` until `stop`.
fn client(i: usize, front: String, stop: Arc<AtomicBool>, seen: Arc<Mutex<Vec<Answer>>>) {
    let mut conn: Option<BufReader<TcpStream>> = None;
    while !stop.load(Ordering::Relaxed) {
        let sent = Instant::now();
        if conn.is_none() {
            conn = TcpStream::connect(&front).ok().map(|c| {
                c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
                BufReader::new(c)
            });
        }
        let answer = conn.as_mut().and_then(|c| {
            c.get_mut()
                .write_all(b"GET /w HTTP/1.1\r\nHost: cluster\r\n\r\n")
                .ok()?;
            read_response(c)
        });
        let mut a = Answer {
            client: i,
            sent,
            done: sent,
            status: 0,
            version: String::new(),
            id: None,
            said: String::new(),
        };
        match answer {
            Some(r) => {
                if r.header("connection")
                    .is_some_and(|v| v.eq_ignore_ascii_case("close"))
                {
                    conn = None;
                }
                a.status = r.status;
                if r.status != 200 {
                    a.said = r.body.chars().take(120).collect();
                }
                if r.status == 200 {
                    a.version = field(&r.body, "v").unwrap_or_default().to_string();
                    a.id = field(&r.body, "id").and_then(|v| v.parse().ok());
                }
            }
            None => conn = None,
        }
        a.done = Instant::now();
        let failed = a.status != 200;
        seen.lock().unwrap().push(a);
        if failed {
            // What a client does after a failure: try again shortly.
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Whether `found`; if not, says that `what` did not run for lack of
/// `missing` (and fails under CI, where .ci/run installs it).
fn required(found: bool, what: &str, missing: &str) -> bool {
    if !found {
        eprintln!("SKIPPED {what}: {missing} is missing");
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{what}: {missing} is missing, and CI=true requires the cluster test to run"
        );
    }
    found
}

/// Failed answers (not 200, or none) that came in `[from, to)`: a
/// request in flight when a fault struck fails after it.
fn failures(seen: &[Answer], from: Instant, to: Instant) -> usize {
    seen.iter()
        .filter(|a| a.done >= from && a.done < to && a.status != 200)
        .count()
}

/// The failed answers that came in `[from, to)`: status (0: none came)
/// and what it said.
fn failed_statuses(seen: &[Answer], from: Instant, to: Instant) -> Vec<String> {
    seen.iter()
        .filter(|a| a.done >= from && a.done < to && a.status != 200)
        .map(|a| format!("{} {}", a.status, a.said))
        .collect()
}

/// The first 200 among those sent at or after `from`: when it was sent.
fn first_ok_after(seen: &[Answer], from: Instant) -> Option<Instant> {
    seen.iter()
        .filter(|a| a.sent >= from && a.status == 200)
        .map(|a| a.sent)
        .min()
}

#[test]
fn three_nodes_lose_nothing_through_faults_and_switch_versions_together() {
    let what = "the cluster test";
    let has_haproxy = Command::new("haproxy")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !required(
        has_haproxy,
        what,
        "haproxy (scripts/balancer.sh installs it)",
    ) || !have_redis_server(what)
        || !required(
            pg_pair::have_server(),
            what,
            "PostgreSQL's server (its binaries under /usr/lib/postgresql)",
        )
    {
        return;
    }
    let pg = PgPair::start(free_port(), free_port());
    let primary = PgPair::url(pg.primary_port);
    let replica = PgPair::url(pg.replica_port);
    pg_sql(
        &primary,
        "CREATE TABLE kw_cluster (id SERIAL PRIMARY KEY, node TEXT, v TEXT)",
    );

    let redis_dir = pg.dir.join("redis");
    std::fs::create_dir_all(&redis_dir).unwrap();
    let redis_port = free_port();
    let redis_args = [
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--dir",
        redis_dir.to_str().unwrap(),
    ];
    let mut redis = Some(OwnRedis::start_with(redis_port, &redis_args));
    let kv_url = format!("redis://127.0.0.1:{redis_port}");

    let ports = Ports {
        http: free_port(),
        admin: free_port(),
    };
    let db = pg.failover_url();
    let mut nodes: Vec<Node> = (2..=4)
        .map(|n| {
            let dir = pg.dir.join(format!("node{n}"));
            std::fs::create_dir_all(dir.join("work")).unwrap();
            std::fs::write(dir.join("work/app.js"), app("1")).unwrap();
            std::fs::write(
                dir.join("kitwork.toml"),
                format!(
                    "admin_token = \"{TOKEN}\"\n[limits]\ndrain_delay_ms = 1000\n[env]\nNODE = \"{n}\"\n[kv]\ntimeout_ms = 500\n\
                     [database]\nreplicas = [\"{replica}\"]\n"
                ),
            )
            .unwrap();
            Node {
                n,
                dir,
                child: None,
            }
        })
        .collect();
    for node in &mut nodes {
        node.start(&ports, &db, &kv_url);
    }

    let front_port = free_port();
    let front = format!("127.0.0.1:{front_port}");
    let haproxy_cfg = pg.dir.join("haproxy.cfg");
    std::fs::write(
        &haproxy_cfg,
        format!(
            "global\n  nbthread 1\n  log stderr format raw local0\ndefaults\n  mode http\n  log global\n  option httplog\n  timeout connect 1s\n  timeout client 20s\n  \
             timeout server 20s\n  retries 3\n  option redispatch\nfrontend f\n  bind {front}\n  \
             default_backend nodes\nbackend nodes\n  balance roundrobin\n  option httpchk GET /__kitwork/ready\n  \
             default-server check port {} inter 250ms fall 1 rise 2\n{}",
            ports.admin,
            nodes
                .iter()
                .map(|n| format!("  server n{} 127.0.0.{}:{}\n", n.n, n.n, ports.http))
                .collect::<String>()
        ),
    )
    .unwrap();
    let haproxy = Ended(
        Command::new("haproxy")
            .args(["-f", haproxy_cfg.to_str().unwrap(), "-db"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(pg.dir.join("haproxy.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let served = wait_for(Duration::from_secs(10), || {
        status_of(&front, "/w") == Some(200)
    });
    assert!(served.is_some(), "HAProxy does not pass /w on");

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (front, stop, seen) = (front.clone(), stop.clone(), seen.clone());
            std::thread::spawn(move || client(i, front, stop, seen))
        })
        .collect();
    let pause = || std::thread::sleep(Duration::from_millis(1500));
    let mut log = Vec::new();
    let start = Instant::now();
    let mut at = |what: &str| {
        let now = Instant::now();
        log.push(format!("+{:.1}s {what}", (now - start).as_secs_f64()));
        now
    };

    pause();
    let sigterm = at("SIGTERM node 2");
    nodes[0].signal("-TERM");
    nodes[0].start(&ports, &db, &kv_url);
    at("node 2 ready again");
    pause();
    let sigkill = at("SIGKILL node 3");
    nodes[1].signal("-KILL");
    nodes[1].start(&ports, &db, &kv_url);
    at("node 3 ready again");
    pause();
    let redis_stop = at("Redis stopped");
    redis.take().unwrap().stop();
    std::thread::sleep(Duration::from_secs(1));
    let redis_back = at("Redis started again");
    redis = Some(OwnRedis::start_with(redis_port, &redis_args));
    let served_again = wait_for(Duration::from_secs(10), || {
        first_ok_after(&seen.lock().unwrap(), redis_back).is_some()
    });
    at("served again after Redis's return");
    pause();
    let promote = at("primary stopped, replica promoted");
    pg.promote();
    let promoted = Instant::now();
    let served_after_promotion = wait_for(Duration::from_secs(15), || {
        first_ok_after(&seen.lock().unwrap(), promoted).is_some()
    });
    at("served again after the promotion");
    pause();

    // A version the third node cannot load (its [env] lacks what it
    // requires): refused everywhere.
    let refused = pg.dir.join("refused");
    std::fs::create_dir_all(&refused).unwrap();
    std::fs::write(
        refused.join("app.js"),
        format!(
            "if (env.NODE === \"4\") throw new Error(\"not on node 4\");\n{}",
            app("bad")
        ),
    )
    .unwrap();
    let to = nodes
        .iter()
        .map(|n| n.admin(&ports))
        .collect::<Vec<_>>()
        .join(",");
    let out = deploy(&to, &refused);
    assert!(
        !out.status.success(),
        "the refused deploy succeeded: {out:?}"
    );
    at("deploy refused (fails on node 4)");
    pause();
    let v2 = pg.dir.join("v2");
    std::fs::create_dir_all(&v2).unwrap();
    std::fs::write(v2.join("app.js"), app("2")).unwrap();
    at("deploy of version 2");
    let out = deploy(&to, &v2);
    assert!(out.status.success(), "the deploy failed: {out:?}");
    let acknowledged = at("deploy acknowledged");
    pause();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    at("load ends");
    drop(haproxy);

    let seen = seen.lock().unwrap().clone();
    let ok: Vec<&Answer> = seen.iter().filter(|a| a.status == 200).collect();
    let report = format!(
        "{}\n{} answers, {} 200; failed after SIGTERM {}, after SIGKILL {}, while Redis was away {}, \
         around the promotion {}; served again {:?} after Redis's return, {:?} after the promotion; \
         statuses failed around SIGTERM {:?}, SIGKILL {:?}",
        log.join("\n"),
        seen.len(),
        ok.len(),
        failures(&seen, sigterm, sigkill),
        failures(&seen, sigkill, redis_stop),
        failures(&seen, redis_stop, promote),
        failures(&seen, promote, acknowledged),
        served_again,
        served_after_promotion,
        failed_statuses(&seen, sigterm, sigkill),
        failed_statuses(&seen, sigkill, redis_stop),
    );
    let balancer: String = std::fs::read_to_string(pg.dir.join("haproxy.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !(l.contains(" 200 ") && l.contains(" ---- ")) && !l.contains(" 503 "))
        .take(40)
        .map(|l| format!("{l}\n"))
        .collect();
    let report = format!("{report}\nHAProxy, what was not 200:\n{balancer}");
    eprintln!("{report}");

    assert_eq!(failures(&seen, start, sigkill), 0, "{report}");
    assert!(failures(&seen, sigkill, redis_stop) <= CLIENTS, "{report}");
    assert!(served_again.is_some(), "{report}");
    assert!(served_after_promotion.is_some(), "{report}");
    // Nothing is served by the refused version, ever; nothing by
    // version 1 once the switch is acknowledged.
    assert!(ok.iter().all(|a| a.version != "bad"), "{report}");
    let late_v1 = ok
        .iter()
        .filter(|a| a.sent >= acknowledged && a.version != "2")
        .count();
    assert_eq!(late_v1, 0, "{report}");
    assert!(ok.iter().any(|a| a.version == "2"), "{report}");
    // Per client: once version 2, never version 1 again.
    for c in 0..CLIENTS {
        let mine = ok.iter().filter(|a| a.client == c);
        let mut saw_v2 = false;
        for a in mine {
            assert!(
                !(saw_v2 && a.version == "1"),
                "client {c} saw version 1 after version 2\n{report}"
            );
            saw_v2 |= a.version == "2";
        }
    }

    // No lost write: every 200's row in the promoted primary, its key in Redis.
    let ids: Vec<i64> = ok.iter().filter_map(|a| a.id).collect();
    assert_eq!(ids.len(), ok.len(), "a 200 without an id\n{report}");
    let new_primary = PgPair::url(pg.replica_port);
    let rows = pg_ids(&new_primary);
    let missing_rows: Vec<&i64> = ids.iter().filter(|id| !rows.contains(id)).collect();
    assert!(
        missing_rows.is_empty(),
        "{} acknowledged rows are missing: {:?}\n{report}",
        missing_rows.len(),
        &missing_rows[..missing_rows.len().min(10)]
    );
    let redis = redis.unwrap();
    let keys: std::collections::HashSet<String> = redis
        .cli(&["--scan", "--pattern", "w:*"])
        .lines()
        .map(str::to_string)
        .collect();
    let missing_keys: Vec<&i64> = ids
        .iter()
        .filter(|id| !keys.contains(&format!("w:{id}")))
        .collect();
    assert!(
        missing_keys.is_empty(),
        "{} acknowledged keys are missing: {:?}\n{report}",
        missing_keys.len(),
        &missing_keys[..missing_keys.len().min(10)]
    );
    drop(nodes);
}

fn deploy(to: &str, folder: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["deploy", "--to", to, "--token", TOKEN, "--no-migrations"])
        .arg(folder)
        .output()
        .unwrap()
}

/// Runs SQL on `url` through kitwork itself.
fn pg_sql(url: &str, sql: &str) {
    run(url, &format!("db().query({sql:?});"));
}

/// Every id in `kw_cluster`.
fn pg_ids(url: &str) -> std::collections::HashSet<i64> {
    let text = run(
        url,
        "console.log(db().query(\"SELECT id FROM kw_cluster\").map(r => r.id).join(\",\"));",
    );
    text.trim()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

/// Runs `js` on `url` through kitwork itself; what it printed.
fn run(url: &str, js: &str) -> String {
    use kitwork::vm::{Limits, Vm};
    let program = kitwork::compile_file("cluster.js", js).unwrap();
    let setup =
        kitwork::runtime::Setup::new().with_database(kitwork::runtime::db::Shared::from_url(url));
    let mut vm = Vm::new(Limits::default());
    let out = captured::Captured::default();
    vm.out = Box::new(out.clone());
    if let Err(e) = kitwork::run_with(&mut vm, &program, &setup) {
        panic!("{js}: {}", e.report);
    }
    out.text()
}
