//! `kitwork deploy` across three real nodes (three `kitwork serve`
//! processes, each with its own work folder and admin listener): a good
//! deploy switches every node and rewrites their folders; one that fails
//! to compile, or that a node cannot stage (it is down), switches none;
//! `kitwork status --cluster` shows each node's generation.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::process::Command;

const TOKEN: &str = "deploy-test-token";

fn version(v: &str) -> String {
    format!("work(\"V\").get(\"/v\", () => ({{ v: {v:?} }}));\n")
}

/// A node serving version 1, its admin listener on a port of its own.
fn node() -> (Server, String) {
    node_with(&[])
}

/// `node` with more `serve` arguments.
fn node_with(more: &[&str]) -> (Server, String) {
    node_in("", more)
}

/// `node_with`, with more `kitwork.toml` (an `[env]`).
fn node_in(toml: &str, more: &[&str]) -> (Server, String) {
    let more: Vec<String> = more.iter().map(|s| s.to_string()).collect();
    let config = format!("admin_token = \"{TOKEN}\"\n{toml}");
    std::thread::spawn(move || {
        let admin = format!("127.0.0.1:{}", free_port());
        let mut args = vec!["--work", "work", "--admin", &admin];
        args.extend(more.iter().map(String::as_str));
        let s = start_in(
            &[("work/v.js", &version("1")), ("kitwork.toml", &config)],
            &args,
        );
        (s, admin)
    })
    .join()
    .unwrap()
}

/// A folder that loads on two nodes but not on the third (its `[env]`
/// lacks what the new version requires at load): nobody switches.
#[test]
fn a_folder_that_fails_on_one_node_switches_none() {
    let a = node_in("[env]\nREGION = \"eu\"\n", &[]);
    let b = node_in("[env]\nREGION = \"us\"\n", &[]);
    let c = node_in("", &[]);
    let strict = folder(&[(
        "v.js",
        &format!(
            "if (!env.REGION) throw new Error(\"REGION is not set\");\n{}",
            version("2")
        ),
    )]);
    let (ok, text) = deploy(&[&a.1, &b.1, &c.1], &strict);
    assert!(!ok, "{text}");
    assert!(
        text.contains(&format!("{}: staged, thrown away", a.1)),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}: staged, thrown away", b.1)),
        "{text}"
    );
    assert!(text.contains("REGION is not set"), "{text}");
    for (s, _) in [&a, &b, &c] {
        assert_eq!(get(s, "/v").body, "{\"v\":\"1\"}");
    }
    let _ = std::fs::remove_dir_all(strict);
}

/// A node started with `--join` takes what its peer serves, and its
/// migrations (applied to its own database at start), before it loads
/// its own folder; one that cannot join does not start.
#[test]
fn a_joining_node_starts_on_what_its_peer_serves() {
    let (a, a_admin) = node();
    let two = folder(&[
        ("v.js", &version("2")),
        ("more/w.js", "work(\"W\").get(\"/w\", () => 1);\n"),
        (
            "more/t.js",
            "work(\"T\").get(\"/t\", () => db().query(\"SELECT name FROM kw_joined\")[0].name);\n",
        ),
    ]);
    let migrations = folder(&[(
        "001_joined.sql",
        "CREATE TABLE kw_joined (name TEXT); INSERT INTO kw_joined VALUES ('here');",
    )]);
    let (ok, text) = deploy_with(&[&a_admin], &two, migrations.to_str().unwrap());
    assert!(ok, "{text}");
    let (d, _) = node_with(&["--join", &a_admin]);
    assert_eq!(get(&d, "/v").body, "{\"v\":\"2\"}");
    assert_eq!(get(&d, "/w").body, "1");
    assert_eq!(get(&d, "/t").body, "here", "{}", d.log());
    assert!(d.dir.join("migrations/001_joined.sql").is_file());
    assert!(!d.dir.join("work/.kitwork-migrations").exists());
    let _ = std::fs::remove_dir_all(&migrations);
    assert_eq!(
        std::fs::read_to_string(d.dir.join("work/v.js")).unwrap(),
        version("2")
    );
    drop(a);
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["serve", "--listen", "127.0.0.1:0", "--work"])
        .arg(&two)
        .args(["--join", &a_admin])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot join {a_admin}")), "{err}");
    let _ = std::fs::remove_dir_all(two);
}

/// `kitwork deploy --to …` of `folder`: whether it succeeded, and its output.
fn deploy(to: &[&str], folder: &std::path::Path) -> (bool, String) {
    deploy_with(to, folder, "")
}

/// `deploy`, with `--migrations` (`""`: `--no-migrations`).
fn deploy_with(to: &[&str], folder: &std::path::Path, migrations: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["deploy", "--to", &to.join(","), "--token", TOKEN])
        .args(match migrations {
            "" => vec!["--no-migrations"],
            m => vec!["--migrations", m],
        })
        .arg(folder)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn folder(files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kitwork-deploy-{}-{}",
        std::process::id(),
        free_port()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn a_deploy_switches_every_node_or_none() {
    let nodes = [node(), node(), node()];
    let admins: Vec<&str> = nodes.iter().map(|(_, a)| a.as_str()).collect();
    let serving = |v: &str| {
        nodes
            .iter()
            .all(|(s, _)| get(s, "/v").body == format!("{{\"v\":\"{v}\"}}"))
    };
    assert!(serving("1"));

    // A compile error: every node refuses to stage it, none switches.
    let bad = folder(&[("v.js", "work(\"V\").get(\"/v\", () => ({ v: \"2\" );\n")]);
    let (ok, text) = deploy(&admins, &bad);
    assert!(!ok, "{text}");
    assert!(
        text.contains("the deploy stopped before any node switched"),
        "{text}"
    );
    assert!(
        text.contains("v.js:1:"),
        "the compile error, with where: {text}"
    );
    assert!(serving("1"));

    // A good one: every node serves it once the command returns, and it
    // is what each work folder holds now (a restart keeps it).
    let good = folder(&[
        ("v.js", &version("2")),
        ("lib/extra.js", "export const x = 1;\n"),
    ]);
    let (ok, text) = deploy(&admins, &good);
    assert!(ok, "{text}");
    assert_eq!(text.matches("serving generation").count(), 3, "{text}");
    for (s, _) in &nodes {
        for _ in 0..5 {
            assert_eq!(get(s, "/v").body, "{\"v\":\"2\"}");
        }
        let on_disk = std::fs::read_to_string(s.dir.join("work/v.js")).unwrap();
        assert_eq!(on_disk, version("2"));
        assert!(s.dir.join("work/lib/extra.js").is_file());
    }

    // `kitwork status --cluster`: one line per node, each on the new generation.
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["status", "--cluster", &admins.join(",")])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{table}");
    assert_eq!(table.lines().count(), 4, "{table}");

    // A node that is down cannot stage: the two that did throw it away.
    let [(a, a_admin), (b, b_admin), (down, down_admin)] = nodes;
    drop(down);
    let three = folder(&[("v.js", &version("3"))]);
    let (ok, text) = deploy(&[&a_admin, &b_admin, &down_admin], &three);
    assert!(!ok, "{text}");
    assert!(
        text.contains(&format!("{a_admin}: staged, thrown away")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{down_admin}: cannot reach its admin listener")),
        "{text}"
    );
    for s in [&a, &b] {
        assert_eq!(get(s, "/v").body, "{\"v\":\"2\"}");
    }
    // Without the token, a node refuses to stage anything.
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["deploy", "--to", &a_admin, "--token", "wrong"])
        .arg(&three)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("admin token is required"));
    for d in [bad, good, three] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// `POST path` with a body to a node's admin listener, with the token:
/// (status, body).
fn post_admin(admin: &str, path: &str, length: usize, body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(admin).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {length}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        text.split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string(),
    )
}

/// A tar of one entry, its name written into the header as given (the
/// `tar` crate's checks would refuse `..`), of `kind`.
fn hostile_tar(name: &str, kind: tar::EntryType, link: Option<&str>) -> Vec<u8> {
    let mut h = tar::Header::new_gnu();
    let field = &mut h.as_old_mut().name;
    field[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(kind);
    h.set_mode(0o644);
    if let Some(l) = link {
        h.set_link_name(l).unwrap();
    }
    let data: &[u8] = if kind.is_file() {
        b"work(\"X\").get(\"/x\", () => 1);\n"
    } else {
        b""
    };
    h.set_size(data.len() as u64);
    h.set_cksum();
    let mut b = tar::Builder::new(Vec::new());
    b.append(&h, data).unwrap();
    b.into_inner().unwrap()
}

/// What an attacker holding the token (or a broken client) could send
/// the deploy endpoint: nothing lands outside the staging folder, and
/// the node keeps serving what it served.
#[test]
fn a_hostile_archive_is_refused_and_changes_nothing() {
    let (s, admin) = node();
    let outside = s.dir.join("evil.js");
    for (what, archive) in [
        (
            "a path out of the folder",
            hostile_tar("../evil.js", tar::EntryType::Regular, None),
        ),
        (
            "an absolute path",
            hostile_tar("/tmp/kitwork-evil.js", tar::EntryType::Regular, None),
        ),
        (
            "a link",
            hostile_tar("v.js", tar::EntryType::Symlink, Some("/etc/passwd")),
        ),
        (
            "not a tar at all",
            b"this is not an archive, just bytes".repeat(40),
        ),
    ] {
        let (status, body) = post_admin(&admin, "/__kitwork/deploy/stage", archive.len(), &archive);
        assert_eq!(status, 422, "{what}: {body}");
        assert!(
            !outside.exists(),
            "{what}: a file was written outside the folder"
        );
        assert!(
            !std::path::Path::new("/tmp/kitwork-evil.js").exists(),
            "{what}"
        );
    }
    // A body past the limit is refused before it is read.
    let (status, body) = post_admin(&admin, "/__kitwork/deploy/stage", 300 << 20, b"x");
    assert_eq!(status, 413, "{body}");
    // Activating something never staged.
    let (status, _) = post_admin(&admin, "/__kitwork/deploy/activate", 3, b"abc");
    assert_eq!(status, 409);
    assert_eq!(get(&s, "/v").body, "{\"v\":\"1\"}");
    let left: Vec<_> = std::fs::read_dir(&s.dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("staged"))
        .collect();
    assert!(left.is_empty(), "no staging folder is left behind");
}

/// Migrations travel with the folder: after every node staged it, each
/// node in turn applies what its database lacks (here each has a SQLite
/// file of its own), then all switch and serve the table they made; the
/// files become each node's migrations folder. A migration that fails
/// switches nobody and names it.
#[test]
fn migrations_are_applied_before_any_node_switches() {
    let a = node();
    let b = node();
    let app = folder(&[(
        "v.js",
        "work(\"V\").get(\"/v\", () => ({ v: db().query(\"SELECT name FROM kw_deployed\")[0].name }));\n",
    )]);
    let migrations = folder(&[(
        "001_deployed.sql",
        "CREATE TABLE kw_deployed (name TEXT); INSERT INTO kw_deployed VALUES ('two');",
    )]);
    let (ok, text) = deploy_with(&[&a.1, &b.1], &app, migrations.to_str().unwrap());
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!("{}: migrations applied", a.1)),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}: migrations applied", b.1)),
        "{text}"
    );
    for (s, _) in [&a, &b] {
        assert_eq!(get(s, "/v").body, "{\"v\":\"two\"}");
        assert!(s.dir.join("migrations/001_deployed.sql").is_file());
    }
    // Again: nothing left to apply, and a broken one stops everybody.
    std::fs::write(migrations.join("002_broken.sql"), "CREATE TABLE (;").unwrap();
    let v3 = folder(&[("v.js", &version("3"))]);
    let (ok, text) = deploy_with(&[&a.1, &b.1], &v3, migrations.to_str().unwrap());
    assert!(!ok, "{text}");
    assert!(
        text.contains("a migration failed; no node switched"),
        "{text}"
    );
    assert!(text.contains("002_broken.sql"), "{text}");
    for (s, _) in [&a, &b] {
        assert_eq!(get(s, "/v").body, "{\"v\":\"two\"}");
    }
    for d in [app, migrations, v3] {
        let _ = std::fs::remove_dir_all(d);
    }
}
