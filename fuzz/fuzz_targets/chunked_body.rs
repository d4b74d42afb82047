//! Chunked bodies: arbitrary bytes after a valid chunked head. The parser
//! never panics, a decoded body never exceeds the limit, and a body that
//! decodes is decoded the same from a buffer with more bytes after it.
#![no_main]

use kitwork::gateway::http::{HttpLimits, Parsed, header_slots, parse};
use libfuzzer_sys::fuzz_target;

const HEAD: &[u8] = b"POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";

fuzz_target!(|body: &[u8]| {
    let limits = HttpLimits {
        body: 4096,
        ..HttpLimits::default()
    };
    let mut raw = HEAD.to_vec();
    raw.extend_from_slice(body);
    let mut slots = header_slots();
    let first = match parse(&raw, &mut slots, &limits) {
        Parsed::Complete(req, used) => Some((req.body.into_owned(), used)),
        _ => None,
    };
    if let Some((decoded, used)) = first {
        assert!(decoded.len() <= limits.body);
        raw.extend_from_slice(b"GET / HTTP/1.1\r\n");
        let mut slots = header_slots();
        match parse(&raw, &mut slots, &limits) {
            Parsed::Complete(req, n) => {
                assert_eq!((&req.body[..], n), (&decoded[..], used));
            }
            other => panic!("complete, then {other:?} with more bytes"),
        }
    }
});
