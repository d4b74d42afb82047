//! The local `kv()` store: one per core, in memory, answering the same
//! commands as Redis with Redis's replies and messages. Entries expire at
//! their deadline (checked when touched) and the least recently used go
//! first when the core's store is past its byte budget. Nothing is shared
//! between cores or kept across restarts.

use lru::LruCache;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use vm::io::kv::{Command, KvError, Reply};

/// What an entry costs beyond its bytes (the cache's node, the map slot).
const OVERHEAD: usize = 64;

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INTEGER: &str = "ERR value is not an integer or out of range";
const OVERFLOW: &str = "ERR increment or decrement would overflow";

enum Stored {
    Text(Vec<u8>),
    Hash(HashMap<Vec<u8>, Vec<u8>>),
    Set(HashSet<Vec<u8>>),
}

struct Entry {
    value: Stored,
    expires: Option<Instant>,
}

impl Entry {
    fn bytes(&self, key: &[u8]) -> usize {
        let value = match &self.value {
            Stored::Text(t) => t.len(),
            Stored::Hash(h) => h.iter().map(|(k, v)| k.len() + v.len() + OVERHEAD).sum(),
            Stored::Set(s) => s.iter().map(|m| m.len() + OVERHEAD).sum(),
        };
        key.len() + value + OVERHEAD
    }
}

pub struct Local {
    entries: LruCache<Vec<u8>, Entry>,
    /// What the entries take (`Entry::bytes`), kept at most `budget`.
    used: usize,
    budget: usize,
}

fn refused(m: &str) -> KvError {
    KvError::Refused(m.to_string())
}

fn int(w: &[u8]) -> Result<i64, KvError> {
    std::str::from_utf8(w)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| refused(NOT_INTEGER))
}

fn arity(c: &Command, at_least: usize) -> Result<(), KvError> {
    match c.len() >= at_least {
        true => Ok(()),
        false => Err(KvError::Refused(format!(
            "ERR wrong number of arguments for '{}' command",
            String::from_utf8_lossy(c.name()).to_lowercase()
        ))),
    }
}

/// Word `i`, which `arity` has checked is there.
fn w(c: &Command, i: usize) -> &[u8] {
    c.get(i).unwrap_or_default()
}

impl Local {
    pub fn new(budget: usize) -> Local {
        Local {
            entries: LruCache::unbounded(),
            used: 0,
            budget,
        }
    }

    /// How many bytes the entries take.
    pub fn used(&self) -> usize {
        self.used
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Runs one command at `now`.
    pub fn run(&mut self, c: &Command, now: Instant) -> Result<Reply, KvError> {
        arity(c, 2)?;
        let key = w(c, 1);
        match c.name() {
            b"GET" => match self.live(key, now) {
                None => Ok(Reply::Nil),
                Some(Stored::Text(t)) => Ok(Reply::Text(t.clone())),
                Some(_) => Err(refused(WRONGTYPE)),
            },
            b"SET" => self.set(c, now),
            b"INCRBY" | b"DECRBY" => {
                arity(c, 3)?;
                let by = int(w(c, 2))?;
                let by = if c.name() == b"DECRBY" {
                    by.checked_neg().ok_or_else(|| refused(OVERFLOW))?
                } else {
                    by
                };
                self.incr(key, by, now)
            }
            b"DEL" | b"EXISTS" => {
                let mut n = 0;
                for k in c.words().skip(1) {
                    if self.live(k, now).is_some() {
                        n += 1;
                        if c.name() == b"DEL" {
                            self.remove(k);
                        }
                    }
                }
                Ok(Reply::Int(n))
            }
            b"PEXPIRE" => {
                arity(c, 3)?;
                let ms = int(w(c, 2))?;
                Ok(Reply::Int(match self.entry(key, now) {
                    Some(e) => {
                        e.expires = Some(now + Duration::from_millis(ms.max(0) as u64));
                        1
                    }
                    None => 0,
                }))
            }
            b"PTTL" => Ok(Reply::Int(match self.entry(key, now) {
                None => -2,
                Some(Entry { expires: None, .. }) => -1,
                Some(Entry {
                    expires: Some(t), ..
                }) => t.saturating_duration_since(now).as_millis() as i64,
            })),
            b"MGET" => Ok(Reply::Array(
                c.words()
                    .skip(1)
                    .map(|k| match self.live(k, now) {
                        Some(Stored::Text(t)) => Reply::Text(t.clone()),
                        _ => Reply::Nil,
                    })
                    .collect(),
            )),
            b"HGET" => {
                arity(c, 3)?;
                match self.live(key, now) {
                    None => Ok(Reply::Nil),
                    Some(Stored::Hash(h)) => Ok(h
                        .get(w(c, 2))
                        .map_or(Reply::Nil, |v| Reply::Text(v.clone()))),
                    Some(_) => Err(refused(WRONGTYPE)),
                }
            }
            b"HGETALL" => match self.live(key, now) {
                None => Ok(Reply::Array(Vec::new())),
                Some(Stored::Hash(h)) => Ok(Reply::Array(
                    h.iter()
                        .flat_map(|(k, v)| [Reply::Text(k.clone()), Reply::Text(v.clone())])
                        .collect(),
                )),
                Some(_) => Err(refused(WRONGTYPE)),
            },
            b"SMEMBERS" => match self.live(key, now) {
                None => Ok(Reply::Array(Vec::new())),
                Some(Stored::Set(s)) => Ok(Reply::Array(
                    s.iter().map(|m| Reply::Text(m.clone())).collect(),
                )),
                Some(_) => Err(refused(WRONGTYPE)),
            },
            b"SISMEMBER" => {
                arity(c, 3)?;
                match self.live(key, now) {
                    None => Ok(Reply::Int(0)),
                    Some(Stored::Set(s)) => Ok(Reply::Int(s.contains(w(c, 2)) as i64)),
                    Some(_) => Err(refused(WRONGTYPE)),
                }
            }
            b"HSET" | b"HDEL" | b"HINCRBY" | b"SADD" | b"SREM" => self.change(c, now),
            b"EVAL" => Err(refused(
                "ERR eval runs Lua scripts in Redis: the local store has no script engine (set kv.url to a Redis server)",
            )),
            name => Err(KvError::Refused(format!(
                "ERR unknown command '{}'",
                String::from_utf8_lossy(name)
            ))),
        }
    }

    /// The entry at `key` unless it is absent or expired (an expired one is
    /// removed); marks it recently used.
    fn entry(&mut self, key: &[u8], now: Instant) -> Option<&mut Entry> {
        let expired = match self.entries.get(key) {
            None => return None,
            Some(e) => e.expires.is_some_and(|t| t <= now),
        };
        if expired {
            self.remove(key);
            return None;
        }
        self.entries.get_mut(key)
    }

    fn live(&mut self, key: &[u8], now: Instant) -> Option<&Stored> {
        self.entry(key, now).map(|e| &e.value)
    }

    fn remove(&mut self, key: &[u8]) {
        if let Some(e) = self.entries.pop(key) {
            self.used -= e.bytes(key);
        }
    }

    /// Puts `entry` at `key` (replacing what was there) and evicts the
    /// least recently used until the store is within its budget. An entry
    /// larger than the whole budget is refused.
    fn put(&mut self, key: &[u8], entry: Entry) -> Result<(), KvError> {
        let size = entry.bytes(key);
        if size > self.budget {
            return Err(KvError::Refused(format!(
                "ERR the value ({size} bytes) is larger than the local store ({} bytes, kv.local_bytes)",
                self.budget
            )));
        }
        self.remove(key);
        self.used += size;
        self.entries.put(key.to_vec(), entry);
        while self.used > self.budget {
            match self.entries.pop_lru() {
                Some((k, e)) => self.used -= e.bytes(&k),
                None => break,
            }
        }
        Ok(())
    }

    /// `SET key value [PX ms] [NX|XX]`.
    fn set(&mut self, c: &Command, now: Instant) -> Result<Reply, KvError> {
        arity(c, 3)?;
        let key = w(c, 1);
        let (mut expires, mut nx, mut xx) = (None, false, false);
        let mut i = 3;
        while i < c.len() {
            match w(c, i) {
                b"PX" => {
                    i += 1;
                    let ms = int(c.get(i).ok_or_else(|| refused("ERR syntax error"))?)?;
                    if ms <= 0 {
                        return Err(refused("ERR invalid expire time in 'set' command"));
                    }
                    expires = Some(now + Duration::from_millis(ms as u64));
                }
                b"NX" => nx = true,
                b"XX" => xx = true,
                _ => return Err(refused("ERR syntax error")),
            }
            i += 1;
        }
        let present = self.entry(key, now).is_some();
        if (nx && present) || (xx && !present) {
            return Ok(Reply::Nil);
        }
        let value = Stored::Text(w(c, 2).to_vec());
        self.put(key, Entry { value, expires })?;
        Ok(Reply::Text(b"OK".to_vec()))
    }

    /// `INCRBY` / `DECRBY`: a missing key counts from 0; the deadline stays.
    fn incr(&mut self, key: &[u8], by: i64, now: Instant) -> Result<Reply, KvError> {
        let (old, expires) = match self.entry(key, now) {
            None => (0, None),
            Some(Entry {
                value: Stored::Text(t),
                expires,
            }) => (int(t)?, *expires),
            Some(_) => return Err(refused(WRONGTYPE)),
        };
        let new = old.checked_add(by).ok_or_else(|| refused(OVERFLOW))?;
        let text = itoa::Buffer::new().format(new).as_bytes().to_vec();
        self.put(
            key,
            Entry {
                value: Stored::Text(text),
                expires,
            },
        )?;
        Ok(Reply::Int(new))
    }

    /// The commands that change a hash or a set, on a copy put back (so
    /// the byte count and the budget stay right).
    fn change(&mut self, c: &Command, now: Instant) -> Result<Reply, KvError> {
        arity(c, 3)?;
        let key = w(c, 1);
        let name = c.name();
        let (mut entry, size) = match self.entry(key, now) {
            None => {
                let value = match name {
                    b"HSET" | b"HINCRBY" => Stored::Hash(HashMap::new()),
                    b"SADD" => Stored::Set(HashSet::new()),
                    // Removing from nothing changes nothing.
                    _ => return Ok(Reply::Int(0)),
                };
                (
                    Entry {
                        value,
                        expires: None,
                    },
                    0,
                )
            }
            Some(e) => {
                let size = e.bytes(key);
                let value = std::mem::replace(&mut e.value, Stored::Text(Vec::new()));
                (
                    Entry {
                        value,
                        expires: e.expires,
                    },
                    size,
                )
            }
        };
        // The entry is out of the store while it changes: its old size no
        // longer counts, and any error puts it back unchanged.
        self.used -= size;
        if size > 0 {
            self.entries.pop(key);
        }
        let result = apply(c, &mut entry.value);
        let empty = match &entry.value {
            Stored::Hash(h) => h.is_empty(),
            Stored::Set(s) => s.is_empty(),
            Stored::Text(_) => false,
        };
        if !empty {
            self.put(key, entry)?;
        }
        result
    }
}

/// Applies a hash or set command to `value`.
fn apply(c: &Command, value: &mut Stored) -> Result<Reply, KvError> {
    let args = || c.words().skip(2);
    match (c.name(), value) {
        (b"HSET", Stored::Hash(h)) => {
            if !c.len().is_multiple_of(2) {
                return arity(c, c.len() + 1).map(|_| Reply::Nil);
            }
            let mut new = 0;
            let mut it = args();
            while let (Some(f), Some(v)) = (it.next(), it.next()) {
                new += h.insert(f.to_vec(), v.to_vec()).is_none() as i64;
            }
            Ok(Reply::Int(new))
        }
        (b"HDEL", Stored::Hash(h)) => Ok(Reply::Int(
            args().filter(|f| h.remove(*f).is_some()).count() as i64,
        )),
        (b"HINCRBY", Stored::Hash(h)) => {
            arity(c, 4)?;
            let by = int(w(c, 3))?;
            let field = w(c, 2);
            let old = h.get(field).map(|v| int(v)).transpose()?.unwrap_or(0);
            let new = old.checked_add(by).ok_or_else(|| refused(OVERFLOW))?;
            h.insert(
                field.to_vec(),
                itoa::Buffer::new().format(new).as_bytes().to_vec(),
            );
            Ok(Reply::Int(new))
        }
        (b"SADD", Stored::Set(s)) => Ok(Reply::Int(
            args().filter(|m| s.insert(m.to_vec())).count() as i64,
        )),
        (b"SREM", Stored::Set(s)) => Ok(Reply::Int(args().filter(|m| s.remove(*m)).count() as i64)),
        _ => Err(refused(WRONGTYPE)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(words: &[&str]) -> Command {
        let mut c = Command::default();
        for w in words {
            c.word(w.as_bytes());
        }
        c
    }

    fn run(l: &mut Local, words: &[&str], now: Instant) -> Result<Reply, KvError> {
        l.run(&cmd(words), now)
    }

    fn text(s: &str) -> Reply {
        Reply::Text(s.as_bytes().to_vec())
    }

    #[test]
    fn values_expire_at_their_deadline() {
        let mut l = Local::new(1 << 20);
        let t0 = Instant::now();
        run(&mut l, &["SET", "a", "1", "PX", "100"], t0).unwrap();
        assert_eq!(
            run(&mut l, &["GET", "a"], t0 + Duration::from_millis(99)),
            Ok(text("1"))
        );
        assert_eq!(
            run(&mut l, &["PTTL", "a"], t0 + Duration::from_millis(40)),
            Ok(Reply::Int(60))
        );
        assert_eq!(
            run(&mut l, &["GET", "a"], t0 + Duration::from_millis(100)),
            Ok(Reply::Nil)
        );
        assert_eq!(run(&mut l, &["PTTL", "a"], t0), Ok(Reply::Int(-2)));
        assert_eq!(l.used(), 0, "an expired entry is removed when touched");
        run(&mut l, &["SET", "b", "2"], t0).unwrap();
        assert_eq!(run(&mut l, &["PTTL", "b"], t0), Ok(Reply::Int(-1)));
        assert_eq!(run(&mut l, &["PEXPIRE", "b", "10"], t0), Ok(Reply::Int(1)));
        assert_eq!(
            run(&mut l, &["EXISTS", "b"], t0 + Duration::from_millis(10)),
            Ok(Reply::Int(0))
        );
    }

    #[test]
    fn the_least_recently_used_go_first_past_the_budget() {
        // Each entry: 1-byte key + 100-byte value + 64.
        let mut l = Local::new(3 * 165);
        let t = Instant::now();
        let v = "x".repeat(100);
        for k in ["a", "b", "c"] {
            run(&mut l, &["SET", k, &v], t).unwrap();
        }
        run(&mut l, &["GET", "a"], t).unwrap(); // a is now the most recent
        run(&mut l, &["SET", "d", &v], t).unwrap();
        assert_eq!(
            run(&mut l, &["EXISTS", "a", "b", "c", "d"], t),
            Ok(Reply::Int(3))
        );
        assert_eq!(
            run(&mut l, &["GET", "b"], t),
            Ok(Reply::Nil),
            "b was the least recently used"
        );
        assert!(l.used() <= 3 * 165);
        let big = "x".repeat(600);
        assert!(matches!(
            run(&mut l, &["SET", "e", &big], t),
            Err(KvError::Refused(_))
        ));
        assert_eq!(l.len(), 3, "a refused value evicts nothing");
    }

    #[test]
    fn counters_hashes_and_sets_answer_as_redis_does() {
        let mut l = Local::new(1 << 20);
        let t = Instant::now();
        assert_eq!(run(&mut l, &["INCRBY", "n", "5"], t), Ok(Reply::Int(5)));
        assert_eq!(run(&mut l, &["DECRBY", "n", "7"], t), Ok(Reply::Int(-2)));
        run(&mut l, &["SET", "s", "\"text\""], t).unwrap();
        assert_eq!(
            run(&mut l, &["INCRBY", "s", "1"], t),
            Err(refused(NOT_INTEGER))
        );
        assert_eq!(run(&mut l, &["SET", "s", "1", "NX"], t), Ok(Reply::Nil));
        assert_eq!(run(&mut l, &["SET", "t", "1", "XX"], t), Ok(Reply::Nil));
        assert_eq!(
            run(&mut l, &["HSET", "h", "a", "1", "b", "2"], t),
            Ok(Reply::Int(2))
        );
        assert_eq!(run(&mut l, &["HSET", "h", "a", "3"], t), Ok(Reply::Int(0)));
        assert_eq!(
            run(&mut l, &["HINCRBY", "h", "a", "4"], t),
            Ok(Reply::Int(7))
        );
        assert_eq!(run(&mut l, &["HGET", "h", "a"], t), Ok(text("7")));
        assert_eq!(run(&mut l, &["GET", "h"], t), Err(refused(WRONGTYPE)));
        assert_eq!(
            run(&mut l, &["HDEL", "h", "a", "b", "c"], t),
            Ok(Reply::Int(2))
        );
        assert_eq!(
            run(&mut l, &["EXISTS", "h"], t),
            Ok(Reply::Int(0)),
            "an emptied hash is gone"
        );
        assert_eq!(
            run(&mut l, &["SADD", "m", "1", "2", "1"], t),
            Ok(Reply::Int(2))
        );
        assert_eq!(run(&mut l, &["SISMEMBER", "m", "2"], t), Ok(Reply::Int(1)));
        assert_eq!(run(&mut l, &["SREM", "m", "2", "3"], t), Ok(Reply::Int(1)));
        assert_eq!(
            run(&mut l, &["SMEMBERS", "m"], t),
            Ok(Reply::Array(vec![text("1")]))
        );
        assert_eq!(run(&mut l, &["SADD", "n", "1"], t), Err(refused(WRONGTYPE)));
        assert_eq!(run(&mut l, &["DEL", "m", "n", "zz"], t), Ok(Reply::Int(2)));
    }
}
