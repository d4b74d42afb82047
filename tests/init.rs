//! `kitwork init`, `kitwork serve` and `kitwork test` on the real binary:
//! a new project serves its routes, and its own tests pass against its
//! work folder (served on a fresh database);
//! npm packages as npm installed them for tests/libs — dayjs (dual), ms
//! (CommonJS only), nanoid (ES modules only) — imported by routes just
//! work; a failing test fails the run and says where.

#[path = "support/npm.rs"]
mod npm;
#[path = "support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kitwork(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("kitwork runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kitwork-init-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

#[test]
fn a_new_project_passes_its_own_tests() {
    let parent = fresh("new");
    let made = kitwork(&parent, &["init", "shop"]);
    assert!(made.status.success(), "{}", text(&made));
    let proj = parent.join("shop");
    for f in [
        "work/hello.js",
        "lib/greeting.js",
        "migrations/001_notes.sql",
        "tests/hello.test.js",
        "kitwork.toml",
        "package.json",
        "README.md",
    ] {
        assert!(proj.join(f).is_file(), "init did not make {f}");
    }
    assert!(
        std::fs::read_to_string(proj.join("package.json"))
            .unwrap()
            .contains("\"name\": \"shop\"")
    );
    // kitwork serve in the new folder answers its route.
    let mut server = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .current_dir(&proj)
        .args(["serve", "--listen", "127.0.0.1:0", "--cores", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("kitwork serve starts");
    let addr =
        server::listening_address(&mut std::io::BufReader::new(server.stdout.take().unwrap()));
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    std::io::Write::write_all(
        &mut conn,
        b"GET /hello/you HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut conn, &mut answer).unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with(r#"{"message":"hello, you"}"#),
        "{answer}"
    );
    let check = kitwork(&proj, &["check", "work"]);
    assert!(check.status.success(), "{}", text(&check));
    let tested = kitwork(&proj, &["test"]);
    assert!(tested.status.success(), "{}", text(&tested));
    let out = text(&tested);
    assert!(
        out.contains("ok 4 - tests/hello.test.js: a note needs text"),
        "{out}"
    );
    assert!(out.contains("# 1 test file(s) passed"), "{out}");
    // Not over an existing project.
    let again = kitwork(&parent, &["init", "shop"]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    let _ = std::fs::remove_dir_all(&parent);
}

#[test]
fn npm_packages_imported_by_routes_just_work_and_failures_fail() {
    if !npm::installed_or_skip("dayjs imported by a route") {
        return;
    }
    let parent = fresh("npm");
    assert!(kitwork(&parent, &["init", "app"]).status.success());
    let proj = parent.join("app");
    // As npm installed them: dayjs dual (`module` and `main`), ms CommonJS
    // only, nanoid ES modules only (`"type": "module"`, `exports`).
    for package in ["dayjs", "ms", "nanoid"] {
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/libs/node_modules")
                .join(package),
            &proj.join("node_modules").join(package),
        );
    }
    std::fs::write(
        proj.join("work/packages.js"),
        "import ms from \"ms\";\n\
         import { customAlphabet } from \"nanoid/non-secure\";\n\
         const id = customAlphabet(\"xyz\", 8);\n\
         work(\"Packages\").get(\"/ms/:text\", () => ({ ms: ms(params(\"text\")) })).get(\"/id\", () => id());\n",
    )
    .unwrap();
    std::fs::write(
        proj.join("tests/packages.test.js"),
        "import { test, expect, get } from \"kitwork:test\";\n\
         test(\"ms (CommonJS) in a route\", () => {\n\
           expect(get(\"/ms/2h\").json()).toEqual({ ms: 7200000 });\n\
         });\n\
         test(\"nanoid (ES modules) in a route\", () => {\n\
           const id = get(\"/id\").text();\n\
           expect(id.length).toBe(8);\n\
           expect([...id].every((c) => \"xyz\".includes(c))).toBeTruthy();\n\
         });\n",
    )
    .unwrap();
    std::fs::write(
        proj.join("work/day.js"),
        "import dayjs from \"dayjs\";\n\
         work(\"Day\").get(\"/day/:date\", () => ({ day: dayjs(params(\"date\")).format(\"dddd D MMMM YYYY\") }));\n",
    )
    .unwrap();
    std::fs::write(
        proj.join("tests/day.test.js"),
        "import { test, expect, get } from \"kitwork:test\";\n\
         test(\"dayjs formats a date\", () => {\n\
           expect(get(\"/day/2024-02-29\").json()).toEqual({ day: \"Thursday 29 February 2024\" });\n\
         });\n\
         test(\"a wrong expectation fails\", () => {\n\
           expect(get(\"/day/2024-03-01\").json().day).toBe(\"Monday\");\n\
         });\n",
    )
    .unwrap();
    let tested = kitwork(&proj, &["test"]);
    let out = text(&tested);
    assert_eq!(tested.status.code(), Some(1), "{out}");
    assert!(
        out.contains("ok 1 - tests/day.test.js: dayjs formats a date"),
        "{out}"
    );
    assert!(
        out.contains("not ok 2 - tests/day.test.js: a wrong expectation fails"),
        "{out}"
    );
    assert!(
        out.contains("expected \"Friday 1 March 2024\" to be \"Monday\""),
        "{out}"
    );
    assert!(
        out.contains("at <anonymous> (tests/day.test.js:6:"),
        "{out}"
    );
    assert!(
        out.contains("ok 1 - tests/packages.test.js: ms (CommonJS) in a route"),
        "{out}"
    );
    assert!(
        out.contains("ok 2 - tests/packages.test.js: nanoid (ES modules) in a route"),
        "{out}"
    );
    assert!(
        out.contains("# 1 of 3 test file(s) failed: tests/day.test.js"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&parent);
}

#[test]
fn the_examples_pass_their_kitwork_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tested = kitwork(root, &["test", "tests/kitwork"]);
    let out = text(&tested);
    assert!(tested.status.success(), "{out}");
    assert!(
        out.contains("ok 2 - tests/kitwork/quote.test.js: GET /quote/:sku"),
        "{out}"
    );
}
