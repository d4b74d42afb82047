//! Request bodies sent compressed (`Content-Encoding: gzip`, `deflate`,
//! `br`), decoded before the script sees them when `[compression]
//! requests` is on: never past the body limit however small the
//! compressed form (a zip bomb is a 413 after `limit + 1` bytes, not after
//! it was inflated whole), a body that does not decode is a 400, a coding
//! the gateway does not know a 415 (RFC 9110 §15.5.16).

use std::io::Read;

/// Why a body was refused: the status and the message.
pub type Refusal = (u16, &'static str);

/// The body `coding` (a `Content-Encoding` value) says `body` is, decoded;
/// `None` when it is not encoded (`identity`).
pub fn decode(coding: &[u8], body: &[u8], limit: usize) -> Result<Option<Vec<u8>>, Refusal> {
    let coding = std::str::from_utf8(coding)
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let reader: Box<dyn Read + '_> = match coding.as_str() {
        "" | "identity" => return Ok(None),
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(body)),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(body)),
        "br" => Box::new(brotli::Decompressor::new(body, 4096)),
        _ => return Err((415, "unsupported Content-Encoding on the request body")),
    };
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(limit));
    // One byte past the limit tells "too large" from "exactly the limit".
    match reader.take(limit as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > limit => Err((413, "request body too large once decompressed")),
        Ok(_) => Ok(Some(out)),
        Err(_) => Err((
            400,
            "the request body does not decode as its Content-Encoding says",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::decode;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn bodies_decode_within_the_limit() {
        let body = gzip(b"hello");
        assert_eq!(decode(b"gzip", &body, 100).unwrap().unwrap(), b"hello");
        assert_eq!(decode(b" GZIP ", &body, 100).unwrap().unwrap(), b"hello");
        assert_eq!(decode(b"identity", b"x", 100).unwrap(), None);
        // Exactly the limit is fine; one more byte is not.
        assert!(decode(b"gzip", &body, 5).is_ok());
        assert_eq!(decode(b"gzip", &body, 4).unwrap_err().0, 413);
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![0u8; 64 << 20]);
        assert!(bomb.len() < 100_000, "{}", bomb.len());
        assert_eq!(decode(b"gzip", &bomb, 1 << 20).unwrap_err().0, 413);
    }

    #[test]
    fn bad_bodies_and_unknown_codings_are_refused() {
        assert_eq!(decode(b"gzip", b"not gzip", 100).unwrap_err().0, 400);
        assert_eq!(decode(b"br", b"\xff\xff\xff", 100).unwrap_err().0, 400);
        assert_eq!(decode(b"zstd", b"x", 100).unwrap_err().0, 415);
        assert_eq!(decode(b"gzip, br", b"x", 100).unwrap_err().0, 415);
    }
}
