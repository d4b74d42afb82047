//! The command line as a user meets it: `kitwork run` keeps what it
//! printed when it is killed (line-buffered into a pipe), and takes the
//! database from the folder's kitwork.toml like `serve` does; `serve`
//! refuses an I/O driver it does not know.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

fn folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kitwork-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn run_keeps_its_output_when_killed() {
    let dir = folder("killed");
    std::fs::write(
        dir.join("spin.js"),
        "console.log('started');\nfor (;;) {}\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["run", "--budget", "100000000000000", "spin.js"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    child.kill().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let _ = child.wait();
    assert_eq!(out, "started\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_takes_the_database_from_kitwork_toml() {
    let dir = folder("toml");
    std::fs::write(
        dir.join("kitwork.toml"),
        format!(
            "[database]\nurl = \"sqlite://{}/from-toml.db\"\n",
            dir.display()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("q.js"),
        "console.log(db().query('SELECT 41 + 1 AS n')[0].n);\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["run", "q.js"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "42\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("from-toml.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// An I/O driver that does not exist is refused by name, as a flag and in
/// kitwork.toml, before anything starts.
#[test]
fn serve_refuses_an_unknown_io_driver() {
    let dir = folder("io");
    let flag = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["serve", "--io", "bogus"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(flag.status.code(), Some(2));
    let err = String::from_utf8_lossy(&flag.stderr);
    assert!(err.contains("\"bogus\" is not an I/O driver"), "{err}");
    std::fs::write(dir.join("kitwork.toml"), "io = \"bogus\"\n").unwrap();
    let file = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .arg("serve")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(file.status.code(), Some(2));
    let err = String::from_utf8_lossy(&file.stderr);
    assert!(err.contains("unknown io driver \"bogus\""), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
