//! TLS for the tests: certificates made with rcgen, written beside the
//! scripts, a `kitwork.toml` that serves them, and a rustls client (over
//! a blocking TCP stream) that trusts them.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// A self-signed certificate and its key, in PEM, and the DER a client trusts.
#[derive(Clone)]
pub struct Cert {
    pub pem: String,
    pub key: String,
    pub der: Vec<u8>,
}

/// A new self-signed certificate for `names` (DNS names or IP addresses).
pub fn cert(names: &[&str]) -> Cert {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let c = rcgen::generate_simple_self_signed(names).unwrap();
    Cert {
        pem: c.cert.pem(),
        key: c.signing_key.serialize_pem(),
        der: c.cert.der().to_vec(),
    }
}

/// A client configuration trusting `roots`, offering `alpn`.
pub fn client(roots: &[&Cert], alpn: &[&str]) -> Arc<rustls::ClientConfig> {
    client_with(roots, alpn, rustls::DEFAULT_VERSIONS)
}

/// `client`, for only these TLS versions.
pub fn client_with(
    roots: &[&Cert],
    alpn: &[&str],
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<rustls::ClientConfig> {
    let mut store = rustls::RootCertStore::empty();
    for c in roots {
        store
            .add(rustls::pki_types::CertificateDer::from(c.der.clone()))
            .unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(store)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Arc::new(config)
}

pub type TlsStream = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

/// A TLS connection to `addr` for server name `name` (an IP address
/// sends no SNI), its handshake done.
pub fn connect_tls(
    addr: &str,
    name: &str,
    config: &Arc<rustls::ClientConfig>,
) -> Result<TlsStream, rustls::Error> {
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let server_name = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
    let conn = rustls::ClientConnection::new(config.clone(), server_name).unwrap();
    let mut s = rustls::StreamOwned::new(conn, tcp);
    while s.conn.is_handshaking() {
        if let Err(e) = s.conn.complete_io(&mut s.sock) {
            return Err(
                match e.into_inner().map(|e| e.downcast::<rustls::Error>()) {
                    Some(Ok(e)) => *e,
                    _ => rustls::Error::General("the handshake failed".into()),
                },
            );
        }
    }
    Ok(s)
}

/// The certificate the server presented.
pub fn presented(s: &TlsStream) -> Vec<u8> {
    s.conn.peer_certificates().unwrap()[0].to_vec()
}

/// A GET on a kept-alive TLS connection: status and body.
pub fn get_tls(s: &mut TlsStream, host: &str, path: &str) -> (u16, String) {
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut r = std::io::BufReader::new(s);
    let resp = super::server::read_response(&mut r).expect("a response");
    (resp.status, resp.body)
}

/// The files a TLS server needs beside its scripts: each certificate as
/// `<name>.pem` and `<name>.key`, and `kitwork.toml` holding `toml`
/// (whose `[https]` section starts with `HTTPS`).
pub fn files(certs: &[(&str, &Cert)], toml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, c) in certs {
        out.push((format!("{name}.pem"), c.pem.clone()));
        out.push((format!("{name}.key"), c.key.clone()));
    }
    out.push(("kitwork.toml".into(), toml.to_string()));
    out
}

/// `kitwork serve` over `scripts` and the TLS files `files` makes for
/// `certs` and `toml`, with `--config kitwork.toml` and `extra` arguments.
pub fn start_tls_server(
    certs: &[(&str, &Cert)],
    toml: &str,
    scripts: &[(&str, &str)],
    extra: &[&str],
) -> super::server::Server {
    let files = files(certs, toml);
    let mut all: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    all.extend_from_slice(scripts);
    let mut args = vec!["--config", "kitwork.toml"];
    args.extend_from_slice(extra);
    super::server::start_in(&all, &args)
}

/// The port of a `host:port`.
pub fn port_of(addr: &str) -> String {
    addr.rsplit(':').next().unwrap_or_default().to_string()
}

/// The start of an `[https]` section listening on a free port.
pub const HTTPS: &str = "[https]\nlisten = \"127.0.0.1:0\"\n";

/// Reads everything until the server closes (or 5 s pass).
pub fn read_to_close(s: &mut impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}
