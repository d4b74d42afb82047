//! Starts the real `kitwork serve` binary for a test and speaks raw HTTP/1.1
//! to it over TCP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    pub child: Child,
    pub addr: String,
    /// The TLS listener's `host:port`, when `[https]` set one.
    pub https: Option<String>,
    pub dir: std::path::PathBuf,
    /// Kept open so the server's later output has somewhere to go.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    /// The next line the server writes to stdout (after the first, which
    /// `start_in` read for the address).
    pub fn stdout_line(&mut self) -> String {
        let mut line = String::new();
        let _ = self._stdout.read_line(&mut line);
        line
    }

    /// What the server wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts `kitwork serve` on 127.0.0.1:0 (one core and a budget of 200,000
/// instructions unless `extra` says) over `scripts`
/// (written to a fresh folder, which is also its working directory: a
/// `migrations/…` entry is applied at start), with extra `serve` arguments.
/// Unless they name one, the database is a SQLite file in that folder; the
/// server's stderr goes to `Server::log`.
pub fn start_in(scripts: &[(&str, &str)], extra: &[&str]) -> Server {
    start_under(scripts, extra, "")
}

/// `start_in`, through `sh -c '<shell>; exec kitwork …'` (`ulimit -n 64`).
pub fn start_under(scripts: &[(&str, &str)], extra: &[&str], shell: &str) -> Server {
    let dir = std::env::temp_dir().join(format!(
        "kitwork-gw-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in scripts {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut command = if shell.is_empty() {
        Command::new(env!("CARGO_BIN_EXE_kitwork"))
    } else {
        let mut c = Command::new("sh");
        c.args([
            "-c",
            &format!("{shell}; exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_kitwork"),
        ]);
        c
    };
    let mut child = command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(if extra.contains(&"--budget") {
            &[][..]
        } else {
            &["--budget", "200000"][..]
        })
        .args(if extra.contains(&"--cores") {
            &[][..]
        } else {
            &["--cores", "1"][..]
        })
        .args(if extra.contains(&"--work") {
            // A folder of its own (relative to `dir`): the project is `dir`.
            Vec::new()
        } else {
            vec!["--work".to_string(), dir.display().to_string()]
        })
        .args(extra)
        .args(if extra.contains(&"--db") {
            Vec::new()
        } else {
            vec![
                "--db".to_string(),
                format!("sqlite://{}/test.db", dir.display()),
            ]
        })
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr =
        address_after(&first, "http://").unwrap_or_else(|| panic!("no address in {first:?}"));
    let https = address_after(&first, "https://");
    Server {
        child,
        addr,
        https,
        dir,
        _stdout: stdout,
    }
}

/// The `host:port` of the `http://…` address `kitwork serve` prints on
/// its first line of standard output.
pub fn listening_address(stdout: &mut impl BufRead) -> String {
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    address_after(&first, "http://").unwrap_or_else(|| panic!("no address in {first:?}"))
}

/// The `host:port` after `scheme` (`http://`, `https://`) in a start-up line.
pub fn address_after(line: &str, scheme: &str) -> Option<String> {
    line.split(scheme)
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .map(|s| s.to_string())
}

pub fn connect(s: &Server) -> TcpStream {
    let c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c
}

/// A parsed response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response (Content-Length framed) from a connection.
pub fn read_response(r: &mut impl BufRead) -> Option<Resp> {
    read_framed(r, true)
}

pub fn read_framed(r: &mut impl BufRead, has_body: bool) -> Option<Resp> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let status = line.split_whitespace().nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(": ")?;
        headers.push((k.to_string(), v.to_string()));
    }
    let len: usize = if has_body {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(0)
    } else {
        0
    };
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

pub fn send(s: &Server, raw: &str) -> Resp {
    send_to(&s.addr, raw)
}

/// Sends `raw` on a new connection to `addr`; reads one response.
pub fn send_to(addr: &str, raw: &str) -> Resp {
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(raw.as_bytes()).unwrap();
    read_response(&mut BufReader::new(c))
        .unwrap_or_else(|| panic!("no response to {:?}", &raw[..raw.len().min(60)]))
}

/// POSTs `body` as JSON on a new connection; reads one response.
pub fn post_json(s: &Server, path: &str, body: &str) -> Resp {
    send(
        s,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// POSTs an empty body on a new connection; reads one response.
pub fn post(s: &Server, path: &str) -> Resp {
    send(
        s,
        &format!("POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"),
    )
}

pub fn get(s: &Server, path: &str) -> Resp {
    send(
        s,
        &format!("GET {path} HTTP/1.1\r\nHost: t\r\nUser-Agent: gw-test\r\n\r\n"),
    )
}

/// A port nothing listens on now (for a server the test starts itself).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `done` every 10 ms for up to 5 s; whether it became true.
pub fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !done() {
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// `kitwork routes` on a fresh folder holding `files` (paths relative to
/// it), run on its sub-folder `work` ("" for the folder itself): whether
/// it succeeded, and its output (stdout, then stderr).
pub fn kitwork_routes(files: &[(&str, &str)], work: &str) -> (bool, String) {
    static FOLDERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = FOLDERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kitwork-routes-{}-{n}", std::process::id()));
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::create_dir_all(dir.join(work)).unwrap();
    // Run in the folder: its kitwork.toml, if it has one, is the one read.
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .arg("routes")
        .arg(dir.join(work))
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}
