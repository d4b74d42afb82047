//! `kv()` on both stores: one script of checks run on the local store and
//! on the real Redis (`KITWORK_TEST_REDIS`, which `.ci/run` sets); and,
//! through the real binary, a Redis server of the test's own that is
//! stopped, frozen and started again under a route (503 while it is gone,
//! served again without a restart) and that sees one connection per core
//! however many commands `parallel()` branches send at once; Redis
//! Clusters of its own, plain and TLS-only.

#[path = "support/redis.rs"]
mod redis;
#[path = "support/server.rs"]
mod server;
#[path = "support/tls.rs"]
mod tls;

use kitwork::runtime::kv::{Setup, Target};
use kitwork::vm::{Limits, Vm};
use redis::{OwnRedis, have_redis_server};
use server::*;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The checks, on keys under `PREFIX` (replaced per run: runs on one
/// Redis never meet). Each line throws when the store answers otherwise.
const CHECKS: &str = r#"
const P = PREFIX, k = kv();
function eq(got, want, what) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) throw new Error(what + ": got " + g + ", want " + w);
}
eq(k.set(P + "user", { name: "ada", tags: ["x"] }), true, "set");
eq(k.get(P + "user"), { name: "ada", tags: ["x"] }, "get gives the value back");
eq(k.get(P + "nothing"), null, "an absent key");
eq(k.set(P + "user", 1, { nx: true }), false, "nx keeps what is there");
eq(k.set(P + "none", 1, { xx: true }), false, "xx sets only what is there");
eq(k.get(P + "none"), null, "so nothing was set");
eq([k.incr(P + "n"), k.incr(P + "n", 10), k.decr(P + "n", 3)], [1, 11, 8], "counters");
eq(k.get(P + "n"), 8, "a counter reads as a number");
k.set(P + "short", "soon gone", { ttl: 0.2 });
const left = k.ttl(P + "short");
eq(left > 0 && left <= 0.2, true, "ttl in seconds (" + left + ")");
eq([k.ttl(P + "n"), k.ttl(P + "nothing")], [-1, -2], "no expiry, no key");
eq(k.expire(P + "n", 60), true, "expire");
eq(k.ttl(P + "n") > 59, true, "the new deadline");
sleep(300);
eq(k.get(P + "short"), null, "expired");
eq([k.exists(P + "n"), k.exists(P + "short")], [true, false], "exists");
eq(k.hset(P + "h", { a: 1, b: { c: [2] } }), 2, "hset of an object");
eq(k.hset(P + "h", "a", "one"), 0, "hset of a field there");
eq(k.hget(P + "h", "b"), { c: [2] }, "hget");
eq(k.hget(P + "h", "zz"), null, "an absent field");
const all = k.hgetall(P + "h");
eq(Object.keys(all).sort(), ["a", "b"], "hgetall's fields");
eq(all.a, "one", "hgetall's values");
eq(k.hincr(P + "h", "count", 5), 5, "hincr");
eq(k.hdel(P + "h", "a", "zz"), 1, "hdel");
eq(k.hgetall(P + "nothing"), {}, "hgetall of nothing");
eq(k.sadd(P + "s", "a", 2, "a"), 2, "sadd counts the new members");
eq([k.sismember(P + "s", 2), k.sismember(P + "s", "2")], [true, false], "members are values");
eq(k.smembers(P + "s").sort(), [2, "a"], "smembers");
eq(k.srem(P + "s", "a", "b"), 1, "srem");
eq(k.mget([P + "user", P + "nothing", P + "n"]), [{ name: "ada", tags: ["x"] }, null, 8], "mget");
eq(k.mget([]), [], "mget of no keys");
let code = null;
try { k.incr(P + "user"); } catch (e) { code = e.code; }
eq(code, "KV_ERROR", "incr of a value that is not a number");
code = null;
try { k.get(P + "h"); } catch (e) { code = e.code + " " + e.message.includes("WRONGTYPE"); }
eq(code, "KV_ERROR true", "get of a hash");
const many = parallel(Array.from({ length: 20 }, () => () => k.incr(P + "p")));
eq(many.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1), "parallel increments");
let thrown = null;
try { k.set(P + "x", undefined); } catch (e) { thrown = e.name; }
eq(thrown, "TypeError", "undefined cannot be stored");
eq(k.del(P + "user", P + "n", P + "h", P + "s", P + "p", P + "nothing"), 5, "del counts what was there");
"done";
"#;

/// Runs `CHECKS` on `store`; the report of the first check that failed.
fn run_checks(store: Target, prefix: &str) -> Result<(), String> {
    run_checks_trusting(store, prefix, None)
}

/// `run_checks`, trusting the certificates of `ca` too (a `rediss://` store).
fn run_checks_trusting(
    store: Target,
    prefix: &str,
    ca: Option<&std::path::Path>,
) -> Result<(), String> {
    let source = CHECKS.replace("PREFIX", &format!("{prefix:?}"));
    let program = kitwork::compile_file("checks.js", &source).map_err(|e| format!("{e:?}"))?;
    let mut setup = kitwork::runtime::Setup::new();
    setup.tls = kitwork::runtime::http::tls_config(ca).map_err(|e| e.to_string())?;
    setup.kv = Setup {
        target: store,
        ..Setup::default()
    };
    kitwork::run_with(&mut Vm::new(Limits::default()), &program, &setup)
        .map(|_| ())
        .map_err(|e| e.report)
}

#[test]
fn the_checks_pass_on_the_local_store() {
    run_checks(Target::Local, "t:").unwrap();
}

#[test]
fn the_same_checks_pass_on_redis() {
    let Some(url) = redis::url_or_skip("the_same_checks_pass_on_redis") else {
        return;
    };
    let prefix = format!("kitwork-test:{}:", std::process::id());
    run_checks(Target::parse(&url).unwrap(), &prefix).unwrap();
}

const ROUTES: &str = r#"
work("Counter")
  .get("/count", () => ({ n: kv().incr("visits") }))
  .get("/caught", () => {
    try { return kv().get("visits"); } catch (e) { status(502); return { code: e.code }; }
  })
  .get("/burst", () => parallel(Array.from({ length: 64 }, (_, i) => () => kv().set("b" + i, i))).length);
"#;

#[test]
fn a_store_that_is_gone_is_a_503_and_its_return_needs_no_restart() {
    let what = "a_store_that_is_gone_is_a_503_and_its_return_needs_no_restart";
    if !have_redis_server(what) {
        return;
    }
    let port = free_port();
    let redis = OwnRedis::start(port);
    let config = "[kv]\ntimeout_ms = 300\n";
    let url = format!("redis://127.0.0.1:{port}");
    let s = start_in(
        &[("app.js", ROUTES), ("kitwork.toml", config)],
        &["--kv", &url],
    );
    for n in 1..=3 {
        let r = get(&s, "/count");
        assert_eq!((r.status, r.body.clone()), (200, format!("{{\"n\":{n}}}")));
    }
    // Frozen: commands wait kv.timeout_ms, then 503.
    redis.signal("-STOP");
    let started = std::time::Instant::now();
    let r = get(&s, "/count");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.contains("key-value store is unavailable"),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains(&port.to_string()),
        "where the store is stays in the log: {}",
        r.body
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    redis.signal("-CONT");
    assert!(
        wait_until(|| get(&s, "/count").status == 200),
        "served again once Redis answers"
    );
    // Gone: refused connections, a 503 at once; a script can catch it.
    redis.stop();
    let r = get(&s, "/count");
    assert_eq!(r.status, 503, "{}", r.body);
    let r = get(&s, "/caught");
    assert_eq!(
        (r.status, r.body.as_str()),
        (502, "{\"code\":\"KV_UNAVAILABLE\"}")
    );
    assert!(
        s.log()
            .contains(&format!("cannot reach Redis at 127.0.0.1:{port}")),
        "{}",
        s.log()
    );
    // Back (empty: it keeps nothing): served again without a restart.
    let _redis = OwnRedis::start(port);
    assert!(
        wait_until(|| get(&s, "/count").body == "{\"n\":1}"),
        "served again once Redis is back"
    );
}

#[test]
fn a_core_pipelines_its_commands_on_one_connection() {
    let what = "a_core_pipelines_its_commands_on_one_connection";
    if !have_redis_server(what) {
        return;
    }
    let port = free_port();
    let redis = OwnRedis::start(port);
    let url = format!("redis://127.0.0.1:{port}");
    let s = start_in(&[("app.js", ROUTES)], &["--kv", &url]);
    let before = redis.connections_received();
    for _ in 0..5 {
        let r = get(&s, "/burst");
        assert_eq!((r.status, r.body.as_str()), (200, "64"));
    }
    assert_eq!(redis.cli(&["get", "b63"]), "63");
    // The core's one connection, and redis-cli's for `get` and for this.
    assert_eq!(redis.connections_received() - before, 3);
}

#[test]
fn a_password_and_a_database_in_the_url_are_used() {
    let what = "a_password_and_a_database_in_the_url_are_used";
    if !have_redis_server(what) {
        return;
    }
    let port = free_port();
    let redis = OwnRedis::start_with(port, &["--requirepass", "s3cret"]);
    let check = |url: String| {
        let program = kitwork::compile_file("a.js", r#"kv().set("k", 7); kv().get("k")"#).unwrap();
        let mut setup = kitwork::runtime::Setup::new();
        setup.kv.target = Target::parse(&url).unwrap();
        kitwork::run_with(&mut Vm::new(Limits::default()), &program, &setup).map_err(|e| e.report)
    };
    let err = check(format!("redis://127.0.0.1:{port}")).unwrap_err();
    assert!(err.contains("NOAUTH"), "{err}");
    let err = check(format!("redis://:wrong@127.0.0.1:{port}")).unwrap_err();
    assert!(
        err.contains("cannot reach Redis") && err.contains("WRONGPASS"),
        "{err}"
    );
    assert!(
        !err.contains("wrong@"),
        "the password stays out of the message: {err}"
    );
    check(format!("redis://:s3cret@127.0.0.1:{port}/3")).unwrap();
    let out = Command::new("redis-cli")
        .args([
            "-p",
            &port.to_string(),
            "-a",
            "s3cret",
            "--no-auth-warning",
            "-n",
            "3",
            "get",
            "k",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "7",
        "written to database 3"
    );
    drop(redis);
}

/// Three redis-servers made one Redis Cluster (`redis-cli --cluster
/// create`, no replicas), each keeping its cluster file in a folder of
/// the test's own.
struct OwnCluster {
    nodes: Vec<OwnRedis>,
    dir: std::path::PathBuf,
    /// Speaking only TLS, nodes and cluster bus: the certificate's file.
    tls: Option<std::path::PathBuf>,
}

impl OwnCluster {
    fn start() -> OwnCluster {
        OwnCluster::start_with(false)
    }

    /// `tls`: every node speaks only TLS, to clients and to each other
    /// (`tls-cluster yes`), with a certificate of the test's own.
    fn start_with(tls: bool) -> OwnCluster {
        let dir = std::env::temp_dir().join(format!(
            "kitwork-redis-cluster-{}-{tls}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // A node also listens on its port + 10000 (the cluster bus).
        let free = |p: u16| {
            std::net::TcpListener::bind(("127.0.0.1", p)).is_ok()
                && std::net::TcpListener::bind(("127.0.0.1", p + 10000)).is_ok()
        };
        let mut ports = Vec::new();
        // Below the ephemeral ports (32768 and up), bus ports included:
        // an outgoing connection elsewhere in the run cannot take them.
        // The two kinds of cluster (tests running at once) in halves of
        // their own, so one does not take a port the other just found free.
        let half = if tls { 6000 } else { 0 };
        let mut p = 10000 + half + (std::process::id() % 1500) as u16 * 4;
        while ports.len() < 3 {
            if free(p) {
                ports.push(p);
            }
            p += 1;
        }
        let pem = dir.join("cert.pem");
        if tls {
            let cert = tls::cert(&["127.0.0.1"]);
            std::fs::write(&pem, &cert.pem).unwrap();
            std::fs::write(dir.join("key.pem"), &cert.key).unwrap();
        }
        let nodes: Vec<OwnRedis> = ports
            .iter()
            .map(|&port| {
                let conf = dir.join(format!("nodes-{port}.conf"));
                let args = [
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    conf.to_str().unwrap(),
                    "--dir",
                    dir.to_str().unwrap(),
                    "--tls-cluster",
                    "yes",
                ];
                match tls {
                    true => OwnRedis::start_tls(port, &pem, &dir.join("key.pem"), &args),
                    false => OwnRedis::start_with(port, &args[..6]),
                }
            })
            .collect();
        let addrs: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        let tls_args: Vec<String> = match tls {
            true => vec!["--tls".into(), "--cacert".into(), pem.display().to_string()],
            false => Vec::new(),
        };
        let made = Command::new("redis-cli")
            .args(&tls_args)
            .args(["--cluster", "create"])
            .args(&addrs)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .output()
            .unwrap();
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stdout)
        );
        let ok = |n: &OwnRedis| n.cli(&["cluster", "info"]).contains("cluster_state:ok");
        assert!(
            wait_until(|| nodes.iter().all(ok)),
            "the cluster did not settle"
        );
        let tls = tls.then_some(pem);
        OwnCluster { nodes, dir, tls }
    }

    fn url(&self) -> String {
        let hosts: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let scheme = if self.tls.is_some() {
            "rediss"
        } else {
            "redis"
        };
        format!("{scheme}+cluster://{}", hosts.join(","))
    }

    /// The node serving `key`'s slot, and the slot.
    fn owner(&self, key: &str) -> (usize, String) {
        let slot = self.nodes[0].cli(&["cluster", "keyslot", key]);
        let i = self
            .nodes
            .iter()
            .position(|n| n.cli(&["cluster", "countkeysinslot", &slot]) != "0")
            .expect("a node holds the key");
        (i, slot)
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        self.nodes.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_redis_cluster_is_spread_over_and_follows_its_slots_when_they_move() {
    let what = "a_redis_cluster_is_spread_over_and_follows_its_slots_when_they_move";
    if !have_redis_server(what) {
        return;
    }
    let cluster = OwnCluster::start();
    // The checks, on keys in one slot (a hash tag: mget and del span keys).
    run_checks(Target::parse(&cluster.url()).unwrap(), "{kwtest}:").unwrap();
    let app = r#"
      work("C")
        .get("/fill", () => { for (let i = 0; i < 300; i++) kv().set("k" + i, i); return kv().get("k299"); })
        .get("/sum", () => { let s = 0; for (let i = 0; i < 300; i++) s += kv().get("k" + i); return s; })
        .get("/one", () => kv().incr("moving"));
    "#;
    let s = start_in(&[("app.js", app)], &["--kv", &cluster.url()]);
    assert_eq!(get(&s, "/fill").body, "299");
    assert_eq!(get(&s, "/sum").body, (0..300).sum::<i32>().to_string());
    for n in &cluster.nodes {
        let keys: u32 = n.cli(&["dbsize"]).parse().unwrap();
        assert!(keys > 50, "every node holds its share: {keys}");
    }
    assert_eq!(get(&s, "/one").body, "1");
    // Move `moving`'s slot to another node, as a resharding does: the
    // gateway's map is stale, Redis answers MOVED, and it follows.
    let (from, slot) = cluster.owner("moving");
    let to = (from + 1) % 3;
    let id = |i: usize| cluster.nodes[i].cli(&["cluster", "myid"]);
    let (from_id, to_id) = (id(from), id(to));
    let (src, dst) = (&cluster.nodes[from], &cluster.nodes[to]);
    assert_eq!(
        dst.cli(&["cluster", "setslot", &slot, "importing", &from_id]),
        "OK"
    );
    assert_eq!(
        src.cli(&["cluster", "setslot", &slot, "migrating", &to_id]),
        "OK"
    );
    let port = dst.port.to_string();
    assert_eq!(
        src.cli(&["migrate", "127.0.0.1", &port, "moving", "0", "5000"]),
        "OK"
    );
    for n in &cluster.nodes {
        n.cli(&["cluster", "setslot", &slot, "node", &to_id]);
    }
    assert_eq!(
        get(&s, "/one").body,
        "2",
        "the count went on at its new node"
    );
    assert_eq!(dst.cli(&["get", "moving"]), "2");
}

/// A Redis Cluster that speaks only TLS (`rediss+cluster://`): the slot
/// map's addresses are reached over TLS too, and the checks pass.
#[test]
fn a_redis_cluster_over_tls_passes_the_checks() {
    let what = "a_redis_cluster_over_tls_passes_the_checks";
    if !have_redis_server(what) {
        return;
    }
    let cluster = OwnCluster::start_with(true);
    let store = Target::parse(&cluster.url()).unwrap();
    run_checks_trusting(store, "{kwtls}:", cluster.tls.as_deref()).unwrap();
    // Keys spread over the three nodes, each reached over TLS.
    let program = kitwork::compile_file(
        "spread.js",
        "for (let i = 0; i < 300; i++) kv().set(\"t\" + i, i); let s = 0; for (let i = 0; i < 300; i++) s += kv().get(\"t\" + i); console.log(s);",
    )
    .unwrap();
    let mut setup = kitwork::runtime::Setup::new();
    setup.kv.target = Target::parse(&cluster.url()).unwrap();
    setup.tls = kitwork::runtime::http::tls_config(cluster.tls.as_deref()).unwrap();
    kitwork::run_with(&mut Vm::new(Limits::default()), &program, &setup).unwrap();
    for n in &cluster.nodes {
        let keys: u32 = n.cli(&["dbsize"]).parse().unwrap();
        assert!(keys > 50, "every node holds its share: {keys}");
    }
}

#[test]
fn rediss_speaks_tls_to_a_redis_that_only_speaks_tls() {
    let what = "rediss_speaks_tls_to_a_redis_that_only_speaks_tls";
    if !have_redis_server(what) {
        return;
    }
    let dir = std::env::temp_dir().join(format!("kitwork-rediss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = tls::cert(&["127.0.0.1"]);
    let (pem, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&pem, &cert.pem).unwrap();
    std::fs::write(&key, &cert.key).unwrap();
    let port = free_port().to_string();
    let file = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let server = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", "0", "--tls-port", &port])
        .args([
            "--tls-cert-file",
            &file(&pem),
            "--tls-key-file",
            &file(&key),
        ])
        .args([
            "--tls-ca-cert-file",
            &file(&pem),
            "--tls-auth-clients",
            "no",
        ])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Ended however the test ends.
    let _server = OwnRedis {
        child: server,
        port: 0,
        tls: None,
    };
    let ping = || {
        Command::new("redis-cli")
            .args(["--tls", "--cacert", &file(&pem), "-p", &port, "ping"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("PONG"))
    };
    assert!(wait_until(ping), "redis-server with TLS did not start");
    let run = |ca: Option<&std::path::Path>| {
        let program = kitwork::compile_file(
            "a.js",
            r#"kv().set("tls", { ok: true }); kv().get("tls").ok"#,
        )
        .unwrap();
        let mut setup = kitwork::runtime::Setup::new();
        setup.kv.target = Target::parse(&format!("rediss://127.0.0.1:{port}")).unwrap();
        setup.tls = kitwork::runtime::http::tls_config(ca).unwrap();
        kitwork::run_with(&mut Vm::new(Limits::default()), &program, &setup)
            .map(|_| ())
            .map_err(|e| e.report)
    };
    run(Some(&pem)).unwrap();
    // Without the certificate's CA (the public roots only): refused.
    let err = run(None).unwrap_err();
    assert!(
        err.contains("cannot reach Redis") && err.contains("TLS failed"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A "Redis" that answers with bytes that are not RESP (an HTTP server on
/// the wrong port, say), or announces a reply it never finishes: each
/// command fails with KV_UNAVAILABLE, nothing panics or waits forever.
#[test]
fn a_server_that_does_not_speak_resp_is_unavailable() {
    use std::io::{Read, Write};
    for (answer, why) in [
        (&b"HTTP/1.1 400 Bad Request\r\n\r\n"[..], "not RESP"),
        (&b"$99999999999\r\nabc"[..], "did not answer within"),
    ] {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                let mut buf = [0u8; 256];
                let _ = s.read(&mut buf);
                let _ = s.write_all(answer);
                std::thread::sleep(Duration::from_secs(2));
            }
        });
        let program = kitwork::compile_file(
            "a.js",
            r#"try { kv().get("k"); "no error" } catch (e) { throw new Error(e.code + ": " + e.message) }"#,
        )
        .unwrap();
        let mut setup = kitwork::runtime::Setup::new();
        setup.kv = Setup {
            target: Target::parse(&format!("redis://127.0.0.1:{port}")).unwrap(),
            timeout: Duration::from_millis(300),
            ..Setup::default()
        };
        let err = kitwork::run_with(&mut Vm::new(Limits::default()), &program, &setup)
            .map(|_| ())
            .unwrap_err()
            .report;
        assert!(err.contains("KV_UNAVAILABLE") && err.contains(why), "{err}");
    }
}

/// `eval` sends its script's text once: then `EVALSHA`; a Redis that no
/// longer holds the script (`SCRIPT FLUSH`, a restart) gets the text
/// again, and the script still runs.
#[test]
fn a_script_is_sent_once_then_by_its_sha1() {
    let what = "a_script_is_sent_once_then_by_its_sha1";
    if !have_redis_server(what) {
        return;
    }
    let redis = OwnRedis::start(free_port());
    let run = || {
        let program = kitwork::compile_file(
            "eval.js",
            r#"for (let i = 0; i < 5; i++) kv().eval("return redis.call('INCR', KEYS[1])", ["n"], []);"#,
        )
        .unwrap();
        let mut setup = kitwork::runtime::Setup::new();
        setup.kv.target = Target::parse(&format!("redis://127.0.0.1:{}", redis.port)).unwrap();
        kitwork::run_with(&mut Vm::new(Limits::default()), &program, &setup)
            .map(|_| ())
            .map_err(|e| e.report)
            .unwrap();
    };
    // What Redis counted of a command: its calls (a NOSCRIPT among them).
    let calls = |name: &str| -> u64 {
        let stats = redis.cli(&["info", "commandstats"]);
        stats
            .lines()
            .find_map(|l| l.strip_prefix(&format!("cmdstat_{name}:calls=")))
            .and_then(|rest| rest.split(',').next())
            .map_or(0, |n| n.parse().unwrap())
    };
    run();
    assert_eq!(redis.cli(&["get", "n"]), "5");
    // Each by its SHA-1; the first answered NOSCRIPT, so its text went once.
    assert_eq!((calls("eval"), calls("evalsha")), (1, 5), "the text once");
    assert_eq!(redis.cli(&["script", "flush"]), "OK");
    run();
    assert_eq!(redis.cli(&["get", "n"]), "10");
    assert_eq!(
        (calls("eval"), calls("evalsha")),
        (2, 10),
        "the text again once Redis forgot it"
    );
}
