//! WebSocket endpoints in scripts (`work().ws(path, { open, message,
//! close })`) through the real binary, spoken to by Python's `websockets`
//! client (and raw TCP where a client must misbehave): text and binary
//! echoed, `ws.data` kept between events, a message published on one core
//! reaching a subscriber on the other and from an HTTP handler, `open`
//! refusing, middleware in front of `open`; the budgets: a message past
//! `maxMessage` closed 1009, a quiet client pinged then closed, a client
//! that does not read closed at `maxBuffered`, an unmasked frame 1002, a
//! failing handler 1011; a plain GET answered 426; SIGTERM closing
//! sockets with 1001.

#[path = "support/server.rs"]
mod server;
#[path = "support/tls.rs"]
mod tls;
#[path = "support/tools.rs"]
mod tools;

use server::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const CHAT: &str = r#"
use("/chat", (req, next) => {
  if (req.headers["x-banned"]) { status(401); return "banned"; }
  return next();
});
work("Chat").ws("/chat", {
  open(ws, req) {
    if (req.query.room === "closed") { status(403); return "room closed"; }
    ws.data = { room: req.query.room || "lobby", n: 0 };
    ws.subscribe(ws.data.room);
    ws.send("welcome " + ws.data.room);
  },
  message(ws, data) {
    ws.data.n++;
    if (data === "bye") { ws.close(4000, "asked"); return; }
    if (data === "fail") { throw new Error("the handler failed on purpose"); }
    if (typeof data !== "string") { ws.send(data); return; }
    ws.publish(ws.data.room, "said: " + data);
    ws.send("echo " + data + " #" + ws.data.n);
  },
  close(ws, code, reason) {
    console.log("closed", ws.data && ws.data.room, code, reason, ws.data && ws.data.n);
  },
  maxMessage: 100000,
  idleTimeout: 2,
  maxBuffered: 65536,
});
work("Api").post("/announce", () => ({ here: publish("lobby", "announce: " + body()) }));
"#;

/// Scenarios, by name: what each prints is checked by its test.
const CLIENT: &str = r#"
import asyncio, sys, websockets
url = sys.argv[2]
async def closed(ws):
    try:
        while True:
            await ws.recv()
    except websockets.ConnectionClosed as e:
        return f"closed {e.rcvd.code if e.rcvd else None} {e.rcvd.reason if e.rcvd else ''}"
async def echo():
    async with websockets.connect(url) as ws:
        print(await ws.recv())
        for w in ["a", "b"]:
            await ws.send(w)
            print(await ws.recv())
        big = bytes(range(256)) * 300
        await ws.send(big)
        print("binary", await ws.recv() == big)
        await ws.send("bye")
        print(await closed(ws))
async def rooms():
    async with websockets.connect(url) as a, websockets.connect(url) as b, websockets.connect(url + "?room=other") as c:
        for s in (a, b, c):
            print(await s.recv())
        await a.send("hi")
        print("a", await a.recv())
        print("b", await b.recv())
        proc = await asyncio.create_subprocess_exec("curl", "-s", "-d", "x", sys.argv[3], stdout=asyncio.subprocess.PIPE)
        out, _ = await proc.communicate()
        print("announce", out.decode())
        print("a", await a.recv())
        print("b", await b.recv())
        try:
            print("c", await asyncio.wait_for(c.recv(), 0.5))
        except asyncio.TimeoutError:
            print("c nothing")
async def refused():
    for extra, path in [({}, "?room=closed"), ({"X-Banned": "1"}, "")]:
        try:
            async with websockets.connect(url + path, extra_headers=extra) as ws:
                print("accepted")
        except websockets.InvalidStatusCode as e:
            print("refused", e.status_code)
async def too_big():
    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()
        await ws.send("x" * 200000)
        print(await closed(ws))
async def failing():
    async with websockets.connect(url) as ws:
        await ws.recv()
        await ws.send("fail")
        print(await closed(ws))
async def quiet():
    # The client answers pings on its own: 5 s of silence keeps it open.
    async with websockets.connect(url, ping_interval=None) as ws:
        await ws.recv()
        await asyncio.sleep(5)
        await ws.send("still")
        print(await ws.recv())
async def secure():
    import ssl
    ctx = ssl.create_default_context(cafile=sys.argv[3])
    async with websockets.connect(url, ssl=ctx) as ws:
        print(await ws.recv())
        await ws.send("a")
        print(await ws.recv())
        big = b"z" * 70000
        await ws.send(big)
        print("binary", await ws.recv() == big)
        await ws.send("bye")
        print(await closed(ws))
async def drained():
    async with websockets.connect(url) as ws:
        await ws.recv()
        print("open", flush=True)
        print(await closed(ws))
asyncio.run(globals()[sys.argv[1]]())
"#;

struct Setup {
    server: Server,
    client: std::path::PathBuf,
}

fn setup(what: &str, cores: &str) -> Option<Setup> {
    if !tools::have_python("websockets", what) {
        return None;
    }
    let server = start_in(&[("work/chat.js", CHAT)], &["--cores", cores]);
    let client = server.dir.join("client.py");
    std::fs::write(&client, CLIENT).unwrap();
    Some(Setup { server, client })
}

impl Setup {
    fn run(&self, scenario: &str) -> String {
        let out = std::process::Command::new(tools::PYTHON)
            .arg(&self.client)
            .arg(scenario)
            .arg(format!("ws://{}/chat", self.server.addr))
            .arg(format!("http://{}/announce", self.server.addr))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{scenario}: {text}{}\nserver log:\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.server.log()
        );
        text
    }

    /// Waits for the server's log to show `line`.
    fn logged(&self, line: &str) -> bool {
        wait_until(|| self.server.log().contains(line))
    }
}

#[test]
fn text_and_binary_are_echoed_and_data_is_kept_between_events() {
    let Some(s) = setup("text_and_binary_are_echoed", "1") else {
        return;
    };
    assert_eq!(
        s.run("echo"),
        "welcome lobby\necho a #1\necho b #2\nbinary True\nclosed 4000 asked\n"
    );
    // `close` ran with the code the script closed with, and the data the
    // last message left (four messages: a, b, the binary one, bye).
    assert!(s.logged("closed lobby 4000 asked 4"), "{}", s.server.log());
    // The server answers HTTP on as before.
    assert_eq!(post(&s.server, "/announce").status, 200);
}

#[test]
fn published_messages_reach_subscribers_on_every_core() {
    let Some(s) = setup("published_messages_reach_subscribers", "2") else {
        return;
    };
    let out = s.run("rooms");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        &lines[..3],
        ["welcome lobby", "welcome lobby", "welcome other"],
        "{out}"
    );
    // The publisher gets its echo, not its own message; the other lobby
    // socket (on whichever core) gets it; `other` gets nothing.
    assert_eq!(lines[3], "a echo hi #1", "{out}");
    assert_eq!(lines[4], "b said: hi", "{out}");
    assert!(lines[5].starts_with("announce {\"here\":"), "{out}");
    assert_eq!(
        &lines[6..],
        ["a announce: x", "b announce: x", "c nothing"],
        "{out}"
    );
}

#[test]
fn open_and_middleware_refuse_with_their_answer() {
    let Some(s) = setup("open_and_middleware_refuse", "1") else {
        return;
    };
    assert_eq!(s.run("refused"), "refused 403\nrefused 401\n");
    // A plain GET is told to upgrade.
    let r = get(&s.server, "/chat");
    assert_eq!(r.status, 426);
    assert_eq!(r.header("upgrade"), Some("websocket"));
    // A bad key is a 400.
    let r = send(
        &s.server,
        "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n",
    );
    assert_eq!(r.status, 400);
}

#[test]
fn a_message_past_max_message_closes_1009_and_a_failing_handler_1011() {
    let Some(s) = setup("a_message_past_max_message", "1") else {
        return;
    };
    assert_eq!(
        s.run("too_big"),
        "closed 1009 the message is larger than the endpoint takes\n"
    );
    assert_eq!(s.run("failing"), "closed 1011 the endpoint failed\n");
    // The failure is logged where it happened.
    assert!(
        s.logged("the handler failed on purpose"),
        "{}",
        s.server.log()
    );
    assert!(s.server.log().contains("chat.js:"), "{}", s.server.log());
}

#[test]
fn a_quiet_client_that_answers_pings_stays_and_one_that_does_not_is_closed() {
    let Some(s) = setup("a_quiet_client", "1") else {
        return;
    };
    assert_eq!(s.run("quiet"), "echo still #1\n");
    // Raw: the handshake, then silence (no pong): pinged at 1 s, closed
    // (1001) at 2 s.
    let mut c = handshake(&s.server.addr);
    let frames = read_frames(&mut c, Duration::from_secs(6));
    let opcodes: Vec<u8> = frames.iter().map(|f| f.0).collect();
    assert_eq!(opcodes, [1, 9, 8], "text (welcome), ping, close");
    assert_eq!(&frames[2].1[..2], &1001u16.to_be_bytes());
}

#[test]
fn an_unmasked_frame_is_a_protocol_error_and_a_client_that_does_not_read_is_closed() {
    let Some(s) = setup("an_unmasked_frame", "1") else {
        return;
    };
    let mut c = handshake(&s.server.addr);
    // A text frame "hi" without the mask a client must set.
    c.write_all(&[0x81, 0x02, b'h', b'i']).unwrap();
    let frames = read_frames(&mut c, Duration::from_secs(3));
    assert_eq!(frames.last().map(|f| f.0), Some(8), "{frames:?}");
    assert_eq!(&frames.last().unwrap().1[..2], &1002u16.to_be_bytes());
    // A client that never reads: once the kernel's buffers are full (a
    // few MB on loopback), the announcements queue up to `maxBuffered`
    // (64 KiB), then the socket is dropped; the server's memory does not
    // follow the publisher.
    let c = handshake(&s.server.addr);
    let big = "y".repeat(400_000);
    for _ in 0..200 {
        let _ = post_json(&s.server, "/announce", &big);
        if s.server.log().contains("closed lobby 1008") {
            break;
        }
    }
    assert!(
        s.logged("closed lobby 1008 the client reads too slowly"),
        "{}",
        s.server.log()
    );
    drop(c);
}

#[test]
fn sigterm_closes_sockets_with_1001() {
    let Some(s) = setup("sigterm_closes_sockets", "1") else {
        return;
    };
    let mut client = std::process::Command::new(tools::PYTHON)
        .arg(&s.client)
        .arg("drained")
        .arg(format!("ws://{}/chat", s.server.addr))
        .arg("unused")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(client.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert_eq!(line, "open\n");
    std::process::Command::new("kill")
        .args(["-TERM", &s.server.child.id().to_string()])
        .status()
        .unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let _ = client.wait();
    assert_eq!(rest, "closed 1001 the server is shutting down\n");
}

#[test]
fn a_socket_is_served_over_tls() {
    if !tools::have_python("websockets", "a_socket_is_served_over_tls") {
        return;
    }
    let a = tls::cert(&["localhost"]);
    let toml = format!("{}[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n", tls::HTTPS);
    let server = tls::start_tls_server(
        &[("a", &a)],
        &toml,
        &[("work/chat.js", CHAT)],
        &["--cores", "1"],
    );
    let client = server.dir.join("client.py");
    std::fs::write(&client, CLIENT).unwrap();
    let port = tls::port_of(server.https.as_deref().expect("an https listener"));
    let out = std::process::Command::new(tools::PYTHON)
        .arg(&client)
        .arg("secure")
        .arg(format!("wss://localhost:{port}/chat"))
        .arg(server.dir.join("a.pem"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        text,
        "welcome lobby\necho a #1\nbinary True\nclosed 4000 asked\n"
    );
}

/// A raw client's opening handshake; the stream after the `101`.
fn handshake(addr: &str) -> TcpStream {
    let mut c = TcpStream::connect(addr).unwrap();
    c.write_all(
        b"GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    )
    .unwrap();
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        c.read_exact(&mut b).unwrap();
        head.push(b[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(
        head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "{head}"
    );
    c
}

/// The server's frames (opcode, payload) until it closes or `within` ends.
fn read_frames(c: &mut TcpStream, within: Duration) -> Vec<(u8, Vec<u8>)> {
    c.set_read_timeout(Some(within)).unwrap();
    let mut frames = Vec::new();
    loop {
        let mut head = [0u8; 2];
        if c.read_exact(&mut head).is_err() {
            return frames;
        }
        let mut len = (head[1] & 0x7f) as usize;
        if len == 126 {
            let mut l = [0u8; 2];
            c.read_exact(&mut l).unwrap();
            len = u16::from_be_bytes(l) as usize;
        }
        let mut payload = vec![0u8; len];
        c.read_exact(&mut payload).unwrap();
        let opcode = head[0] & 0x0f;
        frames.push((opcode, payload));
        if opcode == 8 {
            return frames;
        }
    }
}

#[test]
fn kitwork_routes_shows_the_endpoint_and_its_budgets() {
    let (ok, text) = kitwork_routes(&[("work/chat.js", CHAT)], "work");
    assert!(ok, "{text}");
    assert!(text.contains("GET     /chat"), "{text}");
    assert!(
        text.contains(
            "websocket: messages up to 100000 bytes, idle 2 s, 65536 bytes queued at most"
        ),
        "{text}"
    );
    assert!(
        text.contains("1. use"),
        "the middleware in front of open: {text}"
    );
}
