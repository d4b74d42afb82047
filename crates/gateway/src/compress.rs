//! Response compression by `Accept-Encoding`: Brotli or gzip (zlib-rs) of a body
//! of a compressible type (text, JSON, JavaScript, XML, SVG…) at or above
//! a size threshold, never of one already encoded or of a type that is
//! compressed by its format (images, archives…). The codecs are the
//! `brotli` and `flate2` crates. A small answer (the hot path) costs one
//! length comparison.

/// `[compression]` in kitwork.toml.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Compression {
    pub enabled: bool,
    /// Bodies shorter than this go as they are: compressing them saves
    /// less than it costs.
    pub min_bytes: usize,
    /// gzip's level, 1 (fastest) to 9 (smallest). 2 by default: on the
    /// 10 KB JSON body of loadtest/compress.sh, zlib-rs's level 1 (zlib-ng's
    /// quick strategy) gave 1657 bytes where nginx's level 1 gives 1159,
    /// and its level 2 gave 1147.
    pub gzip_level: u32,
    /// Brotli's quality, 0 (fastest) to 11 (smallest).
    pub brotli_quality: u32,
    /// Decode request bodies sent with a `Content-Encoding`
    /// (`decompress.rs`); off: they reach the script as sent.
    pub requests: bool,
}

impl Default for Compression {
    fn default() -> Compression {
        Compression {
            enabled: true,
            min_bytes: 1024,
            gzip_level: 2,
            brotli_quality: 4,
            requests: false,
        }
    }
}

/// A content coding the gateway writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }
}

/// The coding to answer with for an `Accept-Encoding` value: Brotli when
/// it is acceptable, else gzip, else none (RFC 9110 §12.5.3: `q=0` refuses
/// a coding, `*` stands for those not named).
pub fn choose(accept: &[u8]) -> Option<Encoding> {
    let accept = std::str::from_utf8(accept).ok()?;
    let mut br = None;
    let mut gzip = None;
    let mut any = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| {
                let (k, v) = p.split_once('=')?;
                (k.trim().eq_ignore_ascii_case("q")).then(|| v.trim().parse::<f32>().ok())?
            })
            .unwrap_or(1.0);
        let acceptable = q > 0.0;
        match coding.as_str() {
            "br" => br = Some(acceptable),
            "gzip" | "x-gzip" => gzip = Some(acceptable),
            "*" => any = Some(acceptable),
            _ => {}
        }
    }
    let ok = |named: Option<bool>| named.or(any).unwrap_or(false);
    if ok(br) {
        Some(Encoding::Brotli)
    } else if ok(gzip) {
        Some(Encoding::Gzip)
    } else {
        None
    }
}

/// Whether a body of this `Content-Type` is worth compressing: text and
/// the structured text formats, not media or archives, which are
/// compressed already.
pub fn compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/javascript"
                | "application/x-javascript"
                | "application/ecmascript"
                | "application/xml"
                | "application/wasm"
                | "application/x-www-form-urlencoded"
                | "application/graphql-response+json"
                | "image/svg+xml"
                | "image/x-icon"
                | "image/bmp"
                | "font/ttf"
                | "font/otf"
        )
}

/// `body` in `encoding`, with a window no larger than the body needs (as
/// nginx sizes zlib's): 2^14 bytes for a 10 KB answer instead of gzip's
/// 2^15 and Brotli's 2^22 (loadtest/compress.sh: 0.92-0.95x nginx's
/// req/s before, 0.97-1.06x after).
pub fn encode(encoding: Encoding, body: &[u8], config: &Compression) -> Vec<u8> {
    let bits = usize::BITS - body.len().max(1).leading_zeros();
    match encoding {
        Encoding::Gzip => {
            let level = flate2::Compression::new(config.gzip_level.clamp(1, 9));
            let mut c = flate2::Compress::new_gzip(level, bits.clamp(9, 15) as u8);
            let mut out = Vec::with_capacity(body.len() / 2 + 64);
            loop {
                let done = c.total_in() as usize;
                match c.compress_vec(&body[done..], &mut out, flate2::FlushCompress::Finish) {
                    Ok(flate2::Status::StreamEnd) => return out,
                    // Out of room: more, and go on.
                    Ok(_) => out.reserve(out.capacity().max(1024)),
                    Err(e) => unreachable!("deflate of a whole buffer cannot fail: {e}"),
                }
            }
        }
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 3);
            let params = brotli::enc::BrotliEncoderParams {
                quality: config.brotli_quality.min(11) as i32,
                lgwin: bits.clamp(10, 22) as i32,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &body[..], &mut out, &params)
                .expect("reading a slice and writing a Vec cannot fail");
            out
        }
    }
}

/// What compressing an answer changed: its body (`None`: the same, no
/// coding was acceptable) and its headers.
pub struct Compressed {
    pub body: Option<Vec<u8>>,
    pub headers: Vec<(String, String)>,
}

/// The answer compressed for the client, when it should be: a body at or
/// above the threshold, of a compressible type, not encoded already, for
/// a status that has a body. `Vary: Accept-Encoding` is added whenever
/// the answer depends on the header, also when it goes uncompressed; a
/// strong `ETag` becomes weak (the bytes differ from the identity's).
pub fn apply(
    config: &Compression,
    accept: Option<&[u8]>,
    status: u16,
    content_type: Option<&str>,
    headers: &[(String, String)],
    body: &[u8],
) -> Option<Compressed> {
    if !config.enabled || body.len() < config.min_bytes || matches!(status, 204 | 206 | 304) {
        return None;
    }
    let named = |n: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(n));
    let ct = named("content-type")
        .map(|(_, v)| v.as_str())
        .or(content_type)?;
    if !compressible(ct) || named("content-encoding").is_some() {
        return None;
    }
    let mut out = Vec::with_capacity(headers.len() + 2);
    for (k, v) in headers {
        if k.eq_ignore_ascii_case("etag") && !v.starts_with("W/") {
            out.push((k.clone(), format!("W/{v}")));
        } else if !k.eq_ignore_ascii_case("vary") {
            out.push((k.clone(), v.clone()));
        }
    }
    let vary = match named("vary") {
        Some((_, v)) if v.to_ascii_lowercase().contains("accept-encoding") => v.clone(),
        Some((_, v)) => format!("{v}, Accept-Encoding"),
        None => "Accept-Encoding".to_string(),
    };
    out.push(("Vary".into(), vary));
    let body = accept.and_then(choose).map(|e| {
        out.push(("Content-Encoding".into(), e.name().into()));
        encode(e, body, config)
    });
    Some(Compressed { body, headers: out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn accept_encoding_is_negotiated() {
        assert_eq!(choose(b"gzip, deflate, br"), Some(Encoding::Brotli));
        assert_eq!(choose(b"gzip"), Some(Encoding::Gzip));
        assert_eq!(choose(b"br;q=0, gzip;q=0.5"), Some(Encoding::Gzip));
        assert_eq!(choose(b"*"), Some(Encoding::Brotli));
        assert_eq!(choose(b"*;q=0, gzip"), Some(Encoding::Gzip));
        assert_eq!(choose(b"identity"), None);
        assert_eq!(choose(b"gzip;q=0"), None);
        assert_eq!(choose(b"deflate"), None);
    }

    #[test]
    fn types_are_told_apart() {
        assert!(compressible("application/json"));
        assert!(compressible("text/html; charset=utf-8"));
        assert!(compressible("application/problem+json"));
        assert!(!compressible("image/png"));
        assert!(!compressible("application/zip"));
        assert!(!compressible("application/octet-stream"));
    }

    #[test]
    fn bodies_round_trip_through_both_codings() {
        let body = br#"{"items":["#.repeat(200);
        let config = Compression::default();
        let gz = encode(Encoding::Gzip, &body, &config);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, body);
        let br = encode(Encoding::Brotli, &body, &config);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, body);
        assert!(br.len() < body.len() / 10 && gz.len() < body.len() / 10);
    }

    #[test]
    fn a_large_body_that_does_not_compress_round_trips() {
        // 300 KB of noise: larger than any window, and the output outgrows
        // the room first reserved for it.
        let mut x = 12345u32;
        let body: Vec<u8> = (0..300_000)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        let config = Compression::default();
        let mut back = Vec::new();
        let gz = encode(Encoding::Gzip, &body, &config);
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, body);
        let mut back = Vec::new();
        let br = encode(Encoding::Brotli, &body, &config);
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn only_what_should_be_is_compressed() {
        let config = Compression::default();
        let big = vec![b'a'; 2000];
        let json = Some("application/json");
        let c = apply(&config, Some(b"gzip"), 200, json, &[], &big).unwrap();
        assert!(
            c.headers
                .contains(&("Content-Encoding".into(), "gzip".into()))
        );
        assert!(
            c.headers
                .contains(&("Vary".into(), "Accept-Encoding".into()))
        );
        // No acceptable coding: the same bytes, and still a Vary.
        let c = apply(&config, None, 200, json, &[], &big).unwrap();
        assert!(c.body.is_none());
        assert!(!c.headers.iter().any(|(k, _)| k == "Content-Encoding"));
        assert!(apply(&config, Some(b"gzip"), 200, json, &[], &big[..100]).is_none());
        assert!(apply(&config, Some(b"gzip"), 200, Some("image/png"), &[], &big).is_none());
        assert!(apply(&config, Some(b"gzip"), 304, json, &[], &big).is_none());
        let encoded = [("Content-Encoding".to_string(), "br".to_string())];
        assert!(apply(&config, Some(b"gzip"), 200, json, &encoded, &big).is_none());
        let etag = [("ETag".to_string(), "\"v1\"".to_string())];
        let c = apply(&config, Some(b"br"), 200, json, &etag, &big).unwrap();
        assert!(c.headers.contains(&("ETag".into(), "W/\"v1\"".into())));
    }
}
