//! `EVAL` sent as `EVALSHA`: a script's text (a cluster limit's GCRA is
//! 700 bytes) goes to Redis once, and then only its SHA-1, so neither the
//! connection nor Redis (which hashes the text of every `EVAL`) carries it
//! per call. Redis answers `NOSCRIPT` for a script it does not hold (it
//! restarted, `SCRIPT FLUSH`, another node of a cluster): then the `EVAL`
//! itself goes, which also loads it. Each core keeps the SHA-1s of the
//! scripts it sent (at most `KNOWN`; past them, `EVAL` as given).

use std::cell::RefCell;
use std::collections::HashMap;
use vm::io::kv::{Command, KvError, Reply};

/// Scripts a core remembers the SHA-1 of.
const KNOWN: usize = 256;

thread_local! {
    /// Script text → its SHA-1 in hex, as Redis names it.
    static SHAS: RefCell<HashMap<Box<[u8]>, [u8; 40]>> = RefCell::new(HashMap::new());
    /// The `EVALSHA` command being built, kept for the next.
    static SPARE: RefCell<Command> = RefCell::new(Command::default());
}

/// The SHA-1 of `script` in lower-case hex; `None` past `KNOWN` scripts.
fn sha_of(script: &[u8]) -> Option<[u8; 40]> {
    SHAS.with_borrow_mut(|shas| {
        if let Some(sha) = shas.get(script) {
            return Some(*sha);
        }
        if shas.len() >= KNOWN {
            return None;
        }
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, script);
        let mut hex = [0u8; 40];
        for (i, b) in digest.as_ref().iter().enumerate() {
            hex[2 * i] = b"0123456789abcdef"[(b >> 4) as usize];
            hex[2 * i + 1] = b"0123456789abcdef"[(b & 15) as usize];
        }
        shas.insert(script.into(), hex);
        Some(hex)
    })
}

/// `c`, an `EVAL`, as `EVALSHA` (`None` past `KNOWN` scripts, or
/// without a script); `give_back` it when its answer is in.
pub fn by_sha(c: &Command) -> Option<Command> {
    let sha = sha_of(c.get(1)?)?;
    let mut by_sha = SPARE.take();
    by_sha.clear();
    by_sha.word(b"EVALSHA");
    by_sha.word(&sha);
    for w in c.words().skip(2) {
        by_sha.word(w);
    }
    by_sha.shape = c.shape;
    Some(by_sha)
}

/// Keeps `by_sha`'s room for the next.
pub fn give_back(by_sha: Command) {
    SPARE.set(by_sha);
}

/// Whether Redis answered that it does not hold the script: the `EVAL`
/// goes as given then.
pub fn not_loaded(answer: &Result<Reply, KvError>) -> bool {
    matches!(answer, Err(KvError::Refused(m)) if m.starts_with("NOSCRIPT"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_script_is_named_by_the_sha1_redis_gives_it() {
        // `redis-cli script load "return 1"`.
        assert_eq!(
            &super::sha_of(b"return 1").unwrap(),
            b"e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
        );
    }
}
