//! What an accepted connection becomes: on the cleartext listener,
//! HTTP/1.1 (or HTTP/2 when it opens with the preface, or redirects to
//! HTTPS); on the TLS listener, a handshake with the core's current
//! configuration, then HTTP/2 or HTTP/1.1 by ALPN.

use super::connection::{Ended, Served, serve_connection};
use super::per_core::Core;
use super::wire::{Rewound, Tls, Wire};
use monoio::net::TcpStream;
use std::rc::Rc;

/// Which listener a connection came in on.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Cleartext(Served),
    Tls,
}

/// An idle cleartext connection, parked (core.rs): its stream, how it is
/// served, and when it closes unless a request comes.
pub(crate) struct Parked {
    pub(crate) stream: TcpStream,
    pub(crate) served: Served,
    pub(crate) until: std::time::Instant,
}

/// Serves one accepted connection until it closes or parks.
pub(crate) async fn serve_accepted(
    stream: TcpStream,
    core: Rc<Core>,
    kind: Kind,
) -> Option<Parked> {
    let peer = stream.peer_addr().ok().map(|a| a.ip());
    match kind {
        Kind::Cleartext(mut served) => {
            served.peer = peer;
            let mut wire = Wire::Tcp(stream);
            let ended = serve_connection(&mut wire, core.clone(), served).await;
            let Wire::Tcp(stream) = wire else {
                return None;
            };
            if let Ended::Parked(until) = ended {
                return Some(Parked {
                    stream,
                    served,
                    until,
                });
            }
            let (Ended::Http2(_) | Ended::WebSocket(_) | Ended::Tunnel(_)) = ended else {
                return None;
            };
            let Ok(mut rest) = stream.try_into_poll_io() else {
                return None;
            };
            match ended {
                Ended::Http2(first) => {
                    let io = Rewound { first, at: 0, rest };
                    super::h2::serve(io, core, false, peer).await;
                }
                Ended::WebSocket(switch) => {
                    super::websocket::serve(&mut rest, *switch, &core).await
                }
                Ended::Tunnel(start) => {
                    let timeout = core.config.http.send_timeout;
                    super::tunnel::run(&mut rest, *start, timeout).await
                }
                Ended::Closed | Ended::Parked(_) => {}
            }
            None
        }
        Kind::Tls => {
            serve_tls(stream, core, peer).await;
            None
        }
    }
}

/// The TLS handshake (within `header_timeout`), then the protocol ALPN chose.
async fn serve_tls(stream: TcpStream, core: Rc<Core>, peer: Option<std::net::IpAddr>) {
    let Some(config) = core.tls.borrow().clone() else {
        return;
    };
    let Ok(tcp) = stream.try_into_poll_io() else {
        return;
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let handshake = acceptor.accept(tcp);
    let tls = match monoio::time::timeout(core.config.http.header_timeout, handshake).await {
        Ok(Ok(s)) => s,
        _ => {
            core.stats.borrow_mut().wire.handshake_failures += 1;
            return;
        }
    };
    let session = tls.get_ref().1;
    let h2 = session.alpn_protocol() == Some(b"h2");
    count_handshake(&core, session);
    if h2 {
        super::h2::serve(tls, core, true, peer).await;
        return;
    }
    let served = Served {
        secure: true,
        redirect: None,
        h2c: false,
        peer,
    };
    let mut wire = Wire::Tls(Box::new(Tls {
        stream: tls,
        closing: false,
    }));
    let ended = serve_connection(&mut wire, core.clone(), served).await;
    let Wire::Tls(tls) = &mut wire else { return };
    match ended {
        Ended::WebSocket(switch) => super::websocket::serve(&mut tls.stream, *switch, &core).await,
        Ended::Tunnel(start) => {
            let timeout = core.config.http.send_timeout;
            super::tunnel::run(&mut tls.stream, *start, timeout).await
        }
        _ => {}
    }
}

fn count_handshake(core: &Core, session: &rustls::ServerConnection) {
    // Indices into `TLS_VERSIONS` and `ALPN`.
    let version = match session.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => 1,
        _ => 0,
    };
    let alpn = match session.alpn_protocol() {
        Some(b"h2") => 0,
        Some(b"http/1.1") => 1,
        _ => 2,
    };
    let resumed = matches!(
        session.handshake_kind(),
        Some(rustls::HandshakeKind::Resumed)
    );
    core.stats.borrow_mut().wire.handshakes[version][alpn][resumed as usize] += 1;
}
