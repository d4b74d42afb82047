//! `multipart/form-data` (RFC 7578), written for a `FormData` body and
//! read for `formData()`: pure byte work, apart from the objects. A body is
//! whole by the time it is read (bodies are not streamed yet), so the
//! parser takes it at once and refuses what does not follow the form.

use memchr::memmem;

/// One field of a form: its name, and its value as text or as a file.
#[derive(Debug, PartialEq)]
pub enum Part {
    Text(String, String),
    File {
        name: String,
        filename: String,
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// A boundary unlikely to be in any part: 24 random hex digits after
/// dashes, as browsers make one.
pub fn new_boundary() -> String {
    let mut random = [0u8; 12];
    // A boundary only has to be unlikely in the content, not secret: a
    // failed generator still gives a usable (zero) one.
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random);
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("----KitworkFormBoundary{hex}")
}

/// A name or filename in a `Content-Disposition` header: `"` and line
/// breaks percent-encoded, as the HTML standard's encoding does.
fn quoted(s: &str) -> String {
    s.replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace('"', "%22")
}

/// The body of `parts` under `boundary`. Text values' line breaks are
/// normalized to CRLF, as the HTML standard does.
pub fn encode(parts: &[Part], boundary: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                        quoted(name)
                    )
                    .as_bytes(),
                );
                let v = value.replace("\r\n", "\n").replace('\r', "\n");
                out.extend_from_slice(v.replace('\n', "\r\n").as_bytes());
            }
            Part::File {
                name,
                filename,
                content_type,
                bytes,
            } => {
                let ct = if content_type.is_empty() {
                    "application/octet-stream"
                } else {
                    content_type
                };
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {ct}\r\n\r\n",
                        quoted(name),
                        quoted(filename)
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(bytes);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        (!v.is_empty() && v.len() <= 70).then(|| v.to_string())
    })
}

/// The parts of a `multipart/form-data` body, or what is wrong with it.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}");
    let d = delimiter.as_bytes();
    let Some(first) = memmem::find(body, d) else {
        return Err("the body has no boundary".into());
    };
    let mut rest = &body[first + d.len()..];
    let between = format!("\r\n--{boundary}");
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then the line break that ends the delimiter.
        let line_end = memmem::find(rest, b"\r\n").ok_or("a boundary line does not end")?;
        if rest[..line_end].iter().any(|b| *b != b' ' && *b != b'\t') {
            return Err("a boundary is followed by something else on its line".into());
        }
        rest = &rest[line_end + 2..];
        let head_end = if rest.starts_with(b"\r\n") {
            0
        } else {
            memmem::find(rest, b"\r\n\r\n").ok_or("a part's headers do not end")? + 2
        };
        let head =
            std::str::from_utf8(&rest[..head_end]).map_err(|_| "a part's headers are not UTF-8")?;
        rest = &rest[head_end + 2..];
        let end =
            memmem::find(rest, between.as_bytes()).ok_or("the body's last boundary is missing")?;
        parts.push(part(head, &rest[..end])?);
        rest = &rest[end + between.len()..];
    }
}

/// One part from its header lines and content.
fn part(head: &str, content: &[u8]) -> Result<Part, String> {
    let mut name = None;
    let mut filename = None;
    let mut content_type = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':').ok_or("a part's header has no colon")?;
        let k = k.trim();
        if k.eq_ignore_ascii_case("content-disposition") {
            let mut params = v.split(';');
            if !params
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("form-data"))
            {
                return Err("a part is not form-data".into());
            }
            for param in params {
                let Some((pk, pv)) = param.split_once('=') else {
                    continue;
                };
                let pv = pv.trim();
                let pv = pv
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(pv)
                    .replace("%22", "\"")
                    .replace("%0D", "\r")
                    .replace("%0A", "\n");
                match pk.trim().to_ascii_lowercase().as_str() {
                    "name" => name = Some(pv),
                    "filename" => filename = Some(pv),
                    _ => {}
                }
            }
        } else if k.eq_ignore_ascii_case("content-type") {
            content_type = v.trim().to_string();
        }
    }
    let name = name.ok_or("a part has no name")?;
    Ok(match filename {
        Some(filename) => Part::File {
            name,
            filename,
            content_type,
            bytes: content.to_vec(),
        },
        None => Part::Text(name, String::from_utf8_lossy(content).into_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let parts = vec![
            Part::Text("a".into(), "one\ntwo".into()),
            Part::Text("quote\"d".into(), String::new()),
            Part::File {
                name: "upload".into(),
                filename: "x.bin".into(),
                content_type: "application/octet-stream".into(),
                bytes: vec![0, 255, 13, 10, 45, 45],
            },
        ];
        let body = encode(&parts, "XyZ");
        let back = parse(&body, "XyZ").unwrap();
        assert_eq!(back[0], Part::Text("a".into(), "one\r\ntwo".into()));
        assert_eq!(back[1], Part::Text("quote\"d".into(), String::new()));
        assert_eq!(back[2], parts[2]);
    }

    #[test]
    fn a_curl_body_reads() {
        let body = b"--------------------------d74496d66958873e\r\n\
Content-Disposition: form-data; name=\"person\"\r\n\r\nanonymous\r\n\
--------------------------d74496d66958873e\r\n\
Content-Disposition: form-data; name=\"secret\"; filename=\"file.txt\"\r\n\
Content-Type: text/plain\r\n\r\ncontents of the file\r\n\
--------------------------d74496d66958873e--\r\n";
        let parts = parse(body, "------------------------d74496d66958873e").unwrap();
        assert_eq!(parts[0], Part::Text("person".into(), "anonymous".into()));
        let Part::File {
            filename,
            bytes,
            content_type,
            ..
        } = &parts[1]
        else {
            panic!("a file part")
        };
        assert_eq!(
            (filename.as_str(), content_type.as_str()),
            ("file.txt", "text/plain")
        );
        assert_eq!(bytes, b"contents of the file");
    }

    #[test]
    fn broken_bodies_are_errors() {
        assert!(parse(b"no boundary here", "b").is_err());
        assert!(
            parse(
                b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunfinished",
                "b"
            )
            .is_err()
        );
        assert!(parse(b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "b").is_err());
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"a b\""),
            Some("a b".into())
        );
        assert_eq!(boundary_of("multipart/form-data"), None);
    }
}
