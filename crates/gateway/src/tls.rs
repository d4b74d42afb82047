//! TLS termination: the `[[tls]]` certificates, chosen by SNI (an exact
//! name, then a `*.` wildcard, then the default), and the rustls server
//! configuration each core's TLS listener hands its handshakes. The
//! configuration is immutable: a reload builds a new one and sends it to
//! every core, whose new handshakes use it while open connections keep
//! the one they began with. A certificate that cannot be read is an error
//! at start and a logged, non-fatal error at reload (the old one stays).
//! The crypto is aws-lc-rs: on ring, new RSA-2048 handshakes took the core
//! 0.81x the CPU-second rate of nginx's OpenSSL, on aws-lc-rs 1.43x
//! (`loadtest/tls.sh`, `docs/PERFORMANCE.md`).

use rustls::ServerConfig;
use rustls::server::{ClientHello, ProducesTickets, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One `[[tls]]` entry.
#[derive(Clone, Debug, Default)]
pub struct Certificate {
    /// PEM: the certificate, then its chain.
    pub cert: PathBuf,
    /// PEM: its private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// The server names it is for; empty: the DNS names in the
    /// certificate (its subject alternative names).
    pub names: Vec<String>,
    /// Served to clients whose SNI names no entry (or that send none).
    /// Without one marked, the first entry is the default.
    pub default: bool,
    /// A DER OCSP response to staple, refreshed by whatever writes the
    /// file (and a reload).
    pub ocsp: Option<PathBuf>,
}

/// What the TLS listener is configured with.
#[derive(Clone, Debug)]
pub struct Settings {
    pub certificates: Vec<Certificate>,
    /// Offer HTTP/2 by ALPN (`h2` before `http/1.1`).
    pub http2: bool,
    /// Resume sessions with tickets (TLS 1.3 and 1.2), keyed by a secret
    /// every core shares and rotates (rustls' ticketer).
    pub tickets: bool,
}

/// What each core watches: the configuration new handshakes use.
pub type Configs = tokio::sync::watch::Receiver<Arc<ServerConfig>>;

/// Certificates by server name.
#[derive(Debug, Default)]
struct ByName {
    exact: HashMap<String, Vec<Arc<CertifiedKey>>>,
    /// `*.example.com` under `example.com`.
    wildcard: HashMap<String, Vec<Arc<CertifiedKey>>>,
    default: Vec<Arc<CertifiedKey>>,
}

impl ByName {
    fn candidates(&self, name: Option<&str>) -> &[Arc<CertifiedKey>] {
        let Some(name) = name else {
            return &self.default;
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if let Some(found) = self.exact.get(&name) {
            return found;
        }
        if let Some((_, parent)) = name.split_once('.')
            && let Some(found) = self.wildcard.get(parent)
        {
            return found;
        }
        &self.default
    }
}

impl ResolvesServerCert for ByName {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let schemes = hello.signature_schemes();
        let found = self.candidates(hello.server_name());
        // Several keys for a name (ECDSA and RSA): the first the client
        // can verify.
        found
            .iter()
            .find(|k| k.key.choose_scheme(schemes).is_some())
            .or_else(|| found.first())
            .cloned()
    }
}

/// Reads one entry's files: the key with its chain, and the names it is for.
fn load_certificate(c: &Certificate) -> Result<(Arc<CertifiedKey>, Vec<String>), String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let cert_path = c.cert.display();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&c.cert)
        .and_then(|certs| certs.collect())
        .map_err(|e| format!("tls: cannot read the certificate {cert_path}: {e}"))?;
    if chain.is_empty() {
        return Err(format!("tls: no certificate in {cert_path}"));
    }
    let key = PrivateKeyDer::from_pem_file(&c.key)
        .map_err(|e| format!("tls: cannot read the private key {}: {e}", c.key.display()))?;
    let signer = rustls::crypto::aws_lc_rs::sign::any_supported_type(&key)
        .map_err(|e| format!("tls: the private key {}: {e}", c.key.display()))?;
    let mut certified = CertifiedKey::new(chain, signer);
    certified.keys_match().map_err(|e| {
        format!(
            "tls: {} is not the key of {cert_path}: {e}",
            c.key.display()
        )
    })?;
    if let Some(ocsp) = &c.ocsp {
        let response = std::fs::read(ocsp)
            .map_err(|e| format!("tls: cannot read the OCSP response {}: {e}", ocsp.display()))?;
        certified.ocsp = Some(response);
    }
    let names = if c.names.is_empty() {
        certificate_names(&certified.cert[0])
            .map_err(|e| format!("tls: cannot read the names in {cert_path}: {e}"))?
    } else {
        c.names.clone()
    };
    let names = names
        .iter()
        .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
        .collect();
    Ok((Arc::new(certified), names))
}

/// The DNS names a certificate is for: its subject alternative names, or
/// its common name when it has none.
fn certificate_names(der: &[u8]) -> Result<Vec<String>, String> {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            if let GeneralName::DNSName(d) = n {
                names.push(d.to_string());
            }
        }
    }
    if names.is_empty() {
        for cn in cert.subject().iter_common_name() {
            if let Ok(s) = cn.as_str() {
                names.push(s.to_string());
            }
        }
    }
    Ok(names)
}

/// Builds the server configuration from `settings`' files.
pub fn server_config(
    settings: &Settings,
    ticketer: Option<Arc<dyn ProducesTickets>>,
) -> Result<ServerConfig, String> {
    if settings.certificates.is_empty() {
        return Err("tls: no [[tls]] certificate is configured".into());
    }
    let mut by_name = ByName::default();
    let first_default = !settings.certificates.iter().any(|c| c.default);
    for (i, c) in settings.certificates.iter().enumerate() {
        let (key, names) = load_certificate(c)?;
        for name in names {
            match name.strip_prefix("*.") {
                Some(parent) => by_name.wildcard.entry(parent.to_string()),
                None => by_name.exact.entry(name),
            }
            .or_default()
            .push(key.clone());
        }
        if c.default || (first_default && i == 0) {
            by_name.default.push(key);
        }
    }
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(by_name));
    config.alpn_protocols = if settings.http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    if let Some(t) = ticketer {
        config.ticketer = t;
    }
    config.ignore_client_order = true;
    Ok(config)
}

/// rustls on aws-lc-rs, its cipher suites with AES-128-GCM first, chosen
/// over the client's order. Clients (OpenSSL's, curl's, wrk's) list
/// AES-256-GCM-SHA384 first; when the listener ran on ring, that suite's
/// SHA-384 key schedule, computed without hardware help, was 13% of a
/// core's time in resumed handshakes under `wrk -H "Connection: close"`,
/// where SHA-256 runs on the CPU's SHA instructions (not measured again on
/// aws-lc-rs).
fn provider() -> rustls::crypto::CryptoProvider {
    use rustls::crypto::aws_lc_rs::cipher_suite::*;
    let mut provider = rustls::crypto::aws_lc_rs::default_provider();
    provider.cipher_suites = vec![
        TLS13_AES_128_GCM_SHA256,
        TLS13_AES_256_GCM_SHA384,
        TLS13_CHACHA20_POLY1305_SHA256,
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];
    provider
}

/// Loads the certificates again on `kitwork reload`, SIGHUP, the admin
/// endpoint or a change to their files, and sends every core the new
/// configuration; a failure keeps the old one.
pub struct TlsReloader {
    settings: Settings,
    ticketer: Option<Arc<dyn ProducesTickets>>,
    tx: tokio::sync::watch::Sender<Arc<ServerConfig>>,
    /// The files' bytes as last loaded: an unchanged set is not reloaded.
    /// The lock also keeps two reloads from interleaving.
    loaded: Mutex<u64>,
    pub ok: AtomicU64,
    pub failed: AtomicU64,
}

impl TlsReloader {
    /// Loads the certificates (an error here stops the start) and makes
    /// the ticket key every core shares.
    pub fn new(settings: Settings) -> Result<(Arc<TlsReloader>, Configs), String> {
        let ticketer = match settings.tickets {
            true => Some(
                rustls::crypto::aws_lc_rs::Ticketer::new()
                    .map_err(|e| format!("tls: cannot make a ticket key: {e}"))?,
            ),
            false => None,
        };
        let config = server_config(&settings, ticketer.clone())?;
        let (tx, rx) = tokio::sync::watch::channel(Arc::new(config));
        let loaded = Mutex::new(files_hash(&settings));
        let r = TlsReloader {
            settings,
            ticketer,
            tx,
            loaded,
            ok: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        };
        Ok((Arc::new(r), rx))
    }

    /// Loads the files again; `Ok(false)` when they did not change.
    pub fn reload(&self) -> Result<bool, String> {
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        let hash = files_hash(&self.settings);
        if hash == *loaded {
            return Ok(false);
        }
        match server_config(&self.settings, self.ticketer.clone()) {
            Ok(config) => {
                self.tx.send_replace(Arc::new(config));
                *loaded = hash;
                self.ok.fetch_add(1, Ordering::Relaxed);
                Ok(true)
            }
            Err(e) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// Reloads and logs what happened.
    pub fn reload_and_log(&self, why: &str) {
        match self.reload() {
            Ok(true) => crate::log::info(&format!(
                "tls reload ({why}): new handshakes use the new certificates"
            )),
            Ok(false) => {}
            Err(e) => crate::log::error(&format!(
                "tls reload ({why}) failed; the certificates loaded before stay: {e}"
            )),
        }
    }

    /// Watches the folders of the certificate, key and OCSP files and
    /// reloads after each burst of changes to them. The watcher lives as
    /// long as the returned handle.
    pub fn watch(self: &Arc<Self>) -> notify::Result<notify::RecommendedWatcher> {
        use notify::Watcher;
        let files: Vec<PathBuf> = self.files().map(absolute).collect();
        let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })?;
        let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
        folders.sort();
        folders.dedup();
        for folder in folders {
            watcher.watch(folder, notify::RecursiveMode::NonRecursive)?;
        }
        let me = self.clone();
        let ours = move |e: &notify::Result<notify::Event>| match e {
            Ok(e) => e.paths.iter().any(|p| files.contains(p)),
            Err(_) => true,
        };
        std::thread::Builder::new()
            .name("kitwork-tls-reload".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    if !ours(&first) {
                        continue;
                    }
                    // A certificate and its key, written one after the other.
                    if !super::reload::quiet_after(&rx, std::time::Instant::now(), &ours) {
                        return;
                    }
                    me.reload_and_log("files changed");
                }
            })
            .map_err(|e| notify::Error::generic(&e.to_string()))?;
        Ok(watcher)
    }

    fn files(&self) -> impl Iterator<Item = &Path> {
        self.settings.certificates.iter().flat_map(|c| {
            [
                Some(c.cert.as_path()),
                Some(c.key.as_path()),
                c.ocsp.as_deref(),
            ]
            .into_iter()
            .flatten()
        })
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A hash of every configured file's bytes (a missing file hashes as empty).
fn files_hash(settings: &Settings) -> u64 {
    let mut h = runtime::content_hash::Hasher::default();
    for c in &settings.certificates {
        for p in [Some(&c.cert), Some(&c.key), c.ocsp.as_ref()]
            .into_iter()
            .flatten()
        {
            h.add(&std::fs::read(p).unwrap_or_default());
        }
    }
    h.finish()
}
