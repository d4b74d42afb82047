//! `http()`: an HTTP/1.1 client on the core's executor. hyper speaks the
//! protocol over monoio's poll-io TCP stream (through hyper-util's tokio
//! adapter); `https://` goes through rustls with the webpki roots plus any
//! extra CA the operator names. Connections are kept per core and reused.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

pub use vm::io::http::{DEFAULT_TIMEOUT, Failure, Request, Response};

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 5;
/// Idle connections kept per host.
const IDLE_PER_HOST: usize = 8;
fn fail(code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
    }
}

/// Where a URL points.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Origin {
    tls: bool,
    host: String,
    port: u16,
}

struct Target {
    origin: Origin,
    /// Path and query, at least `/`.
    path: String,
}

fn parse_url(url: &str) -> Result<Target, Failure> {
    let bad = || {
        fail(
            "EINVAL",
            format!("invalid URL {url:?}: use http://host[:port]/path or https://…"),
        )
    };
    let (tls, rest) = if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else {
        return Err(bad());
    };
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return Err(bad());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
            (h.to_string(), p.parse::<u16>().map_err(|_| bad())?)
        }
        _ => (authority.to_string(), if tls { 443 } else { 80 }),
    };
    let path = match path {
        "" => "/".to_string(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_string(),
    };
    Ok(Target {
        origin: Origin { tls, host, port },
        path,
    })
}

/// Resolves `location` against the URL it came from.
fn redirect_url(from: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_string();
    }
    let scheme_end = from.find("://").map_or(0, |i| i + 3);
    let authority_end = from[scheme_end..]
        .find('/')
        .map_or(from.len(), |i| scheme_end + i);
    if location.starts_with('/') {
        format!("{}{location}", &from[..authority_end])
    } else {
        let base = from
            .rfind('/')
            .filter(|&i| i >= authority_end)
            .map_or(from.len(), |i| i + 1);
        let base = &from[..base];
        if base.len() == authority_end {
            format!("{base}/{location}")
        } else {
            format!("{base}{location}")
        }
    }
}

/// Speaks HTTP/1.1 over `io`; its connection task runs on the core.
async fn handshake<T>(io: T, where_: &str) -> Result<SendRequest<Full<Bytes>>, Failure>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + 'static,
{
    let (sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| fail("ECONNRESET", format!("{where_}: {e}")))?;
    monoio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// One core's client: its TLS settings and its idle connections.
pub struct Client {
    egress: Arc<super::egress::Egress>,
    tls: tokio_rustls::TlsConnector,
    idle: RefCell<HashMap<Origin, Vec<SendRequest<Full<Bytes>>>>>,
}

/// The TLS roots: the webpki set, plus the PEM certificates of `ca_file`.
pub fn tls_config(ca_file: Option<&std::path::Path>) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .collect::<Result<_, _>>()
            .map_err(|e| format!("bad certificate in {}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!("no certificate in {}", path.display()));
        }
        for c in certs {
            roots
                .add(c)
                .map_err(|e| format!("bad certificate in {}: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

impl Client {
    pub fn new(tls: Arc<rustls::ClientConfig>, egress: Arc<super::egress::Egress>) -> Client {
        Client {
            egress,
            tls: tokio_rustls::TlsConnector::from(tls),
            idle: RefCell::new(HashMap::new()),
        }
    }

    async fn connect(&self, origin: &Origin) -> Result<SendRequest<Full<Bytes>>, Failure> {
        let where_ = format!("{}:{}", origin.host, origin.port);
        let host = origin.host.trim_start_matches('[').trim_end_matches(']');
        // Resolved here and judged by the operator's rules (client.allow,
        // client.deny) before any connection is made.
        use std::net::ToSocketAddrs;
        let addrs: Vec<std::net::SocketAddr> = (host, origin.port)
            .to_socket_addrs()
            .map_err(|e| fail("ENOTFOUND", format!("cannot resolve {where_}: {e}")))?
            .collect();
        let Some(&addr) = addrs.iter().find(|a| self.egress.permits(a.ip())) else {
            let seen: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            return Err(fail(
                "EDENIED",
                format!(
                    "{where_} ({}) is not an address scripts may reach (client.deny / client.allow)",
                    seen.join(", ")
                ),
            ));
        };
        let tcp = monoio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| fail("ECONNREFUSED", format!("cannot connect to {where_}: {e}")))?;
        let _ = tcp.set_nodelay(true);
        let tcp = tcp
            .try_into_poll_io()
            .map_err(|(e, _)| fail("ECONNREFUSED", format!("cannot connect to {where_}: {e}")))?;
        if origin.tls {
            let name = ServerName::try_from(host.to_string())
                .map_err(|_| fail("EINVAL", format!("invalid TLS server name {host:?}")))?;
            let stream = self
                .tls
                .connect(name, tcp)
                .await
                .map_err(|e| fail("ETLS", format!("TLS with {where_} failed: {e}")))?;
            handshake(TokioIo::new(stream), &where_).await
        } else {
            handshake(TokioIo::new(tcp), &where_).await
        }
    }

    /// An idle connection to `origin`, or a new one.
    async fn sender(&self, origin: &Origin) -> Result<(SendRequest<Full<Bytes>>, bool), Failure> {
        loop {
            let idle = self.idle.borrow_mut().get_mut(origin).and_then(|v| v.pop());
            match idle {
                Some(mut s) => {
                    if s.is_closed() {
                        continue;
                    }
                    if s.ready().await.is_ok() {
                        return Ok((s, true));
                    }
                }
                None => return Ok((self.connect(origin).await?, false)),
            }
        }
    }

    fn keep(&self, origin: Origin, sender: SendRequest<Full<Bytes>>) {
        let mut idle = self.idle.borrow_mut();
        let list = idle.entry(origin).or_default();
        if list.len() < IDLE_PER_HOST {
            list.push(sender);
        }
    }

    /// Sends one request (no redirects).
    async fn send_once(&self, req: &Request, url: &str) -> Result<Response, Failure> {
        let target = parse_url(url)?;
        let method = hyper::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| fail("EINVAL", format!("invalid method {:?}", req.method)))?;
        // A reused connection may have been closed by the server just now:
        // then the request is tried once more on a new one.
        for attempt in 0..2 {
            let (mut sender, reused) = self.sender(&target.origin).await?;
            let host_header = if (target.origin.tls && target.origin.port == 443)
                || (!target.origin.tls && target.origin.port == 80)
            {
                target.origin.host.clone()
            } else {
                format!("{}:{}", target.origin.host, target.origin.port)
            };
            let mut builder = hyper::Request::builder()
                .method(method.clone())
                .uri(target.path.as_str())
                .header(hyper::header::HOST, host_header)
                .header(hyper::header::USER_AGENT, "kitwork");
            for (k, v) in &req.headers {
                builder = builder.header(k.as_str(), v.as_str());
            }
            let body = Full::new(req.body.clone().unwrap_or_default());
            let request = builder
                .body(body)
                .map_err(|e| fail("EINVAL", format!("invalid request: {e}")))?;
            let response = match sender.send_request(request).await {
                Ok(r) => r,
                Err(e)
                    if reused && attempt == 0 && (e.is_closed() || e.is_incomplete_message()) =>
                {
                    continue;
                }
                Err(e) => return Err(fail("ECONNRESET", format!("{url}: {e}"))),
            };
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let limited = http_body_util::Limited::new(response.into_body(), req.max_bytes);
            let body = match limited.collect().await {
                Ok(b) => b.to_bytes().to_vec(),
                Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                    return Err(fail(
                        "ETOOBIG",
                        format!(
                            "{url}: the response body is larger than what is left of the request's memory budget ({} bytes)",
                            req.max_bytes
                        ),
                    ));
                }
                Err(e) => return Err(fail("ECONNRESET", format!("{url}: reading the body: {e}"))),
            };
            if !sender.is_closed() {
                self.keep(target.origin.clone(), sender);
            }
            return Ok(Response {
                status,
                headers,
                body,
            });
        }
        Err(fail("ECONNRESET", format!("{url}: the connection closed")))
    }

    /// Sends `req`, following up to five redirects, within its timeout.
    pub async fn send(&self, mut req: Request) -> Result<Response, Failure> {
        let timeout = req.timeout;
        let work = async {
            let mut url = req.url.clone();
            for _ in 0..=MAX_REDIRECTS {
                let r = self.send_once(&req, &url).await?;
                let location = r
                    .headers
                    .iter()
                    .find(|(k, _)| k == "location")
                    .map(|(_, v)| v.clone());
                match (r.status, location) {
                    (301 | 302 | 303 | 307 | 308, Some(loc)) => {
                        // 303, and 301/302 after a POST, turn into a GET without a body.
                        if r.status == 303
                            || (matches!(r.status, 301 | 302) && req.method == "POST")
                        {
                            req.method = "GET".into();
                            req.body = None;
                            req.headers
                                .retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
                        }
                        url = redirect_url(&url, &loc);
                    }
                    _ => return Ok(r),
                }
            }
            Err(fail(
                "EREDIRECT",
                format!("{}: more than {MAX_REDIRECTS} redirects", req.url),
            ))
        };
        match monoio::time::timeout(timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(fail(
                "ETIMEDOUT",
                format!("{}: no response within {} ms", req.url, timeout.as_millis()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_origin_and_path() {
        let t = parse_url("http://127.0.0.1:8080/a/b?x=1").unwrap();
        assert_eq!(
            (t.origin.host.as_str(), t.origin.port, t.origin.tls),
            ("127.0.0.1", 8080, false)
        );
        assert_eq!(t.path, "/a/b?x=1");
        let t = parse_url("https://example.com").unwrap();
        assert_eq!((t.origin.port, t.path.as_str()), (443, "/"));
        let t = parse_url("http://h?q").unwrap();
        assert_eq!(t.path, "/?q");
        for bad in [
            "ftp://x",
            "http://",
            "http://a b/",
            "http://u@h/",
            "http://h:99999/",
            "/relative",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirects_resolve_against_the_request() {
        assert_eq!(redirect_url("http://h:1/a/b", "/c"), "http://h:1/c");
        assert_eq!(redirect_url("http://h:1/a/b", "c"), "http://h:1/a/c");
        assert_eq!(redirect_url("http://h:1", "c"), "http://h:1/c");
        assert_eq!(redirect_url("http://h/a", "https://x/y"), "https://x/y");
    }
}
