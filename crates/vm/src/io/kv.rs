//! A `kv()` command as the VM describes it to the host: the words Redis
//! would be sent (`SET`, the key, the JSON text…), how its reply becomes a
//! script value, and the reply itself. The same words go to Redis or to
//! the core's local store, so both modes answer one API.

/// One command: its words one after another in `bytes`, `ends[i]` where
/// word `i` ends. Recycled by the VM (`Vm::kv_spare`), so a warm `get`
/// allocates nothing for its command.
#[derive(Clone, Debug, Default)]
pub struct Command {
    bytes: Vec<u8>,
    ends: Vec<u32>,
    /// What the reply means to the script.
    pub shape: Shape,
    /// When set, the reply (or the failure) is handed to this instead of
    /// `shape`'s reading: a native that waits on the store finishes here
    /// (`limit()` with `scope: "cluster"` sets its headers, or throws).
    pub then: Option<Then>,
}

/// A native's second half, run when its command's reply is in: the value
/// the script resumes with, or what it throws.
pub type Then = fn(
    &mut crate::state::Vm,
    Result<Reply, KvError>,
) -> Result<crate::value::Value, crate::error::Interrupt>;

impl Command {
    /// Empties it for the next command, keeping its room.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.shape = Shape::Value;
        self.then = None;
    }

    /// Appends a word.
    pub fn word(&mut self, w: &[u8]) {
        self.bytes.extend_from_slice(w);
        self.ends.push(self.bytes.len() as u32);
    }

    /// Appends a number as its decimal text.
    pub fn int(&mut self, n: i64) {
        self.word(itoa::Buffer::new().format(n).as_bytes());
    }

    /// Where the next word will start, to build it in place
    /// (`bytes_mut`) and close it with `end_word`.
    pub fn bytes_mut(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    pub fn end_word(&mut self) {
        self.ends.push(self.bytes.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Word `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some(&self.bytes[start..end])
    }

    pub fn words(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        (0..self.ends.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// The command's name, upper-case as built.
    pub fn name(&self) -> &[u8] {
        self.get(0).unwrap_or_default()
    }
}

/// How a reply becomes a value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// A stored value: JSON text parsed (text that is not JSON, written by
    /// another client, as a string); nothing: `null`.
    #[default]
    Value,
    /// A count or a number (`incr`, `del`, `ttl`).
    Int,
    /// Milliseconds as seconds; -1 (no expiry) and -2 (absent) as they are.
    Seconds,
    /// 1 or 0 as `true` or `false` (`expire`, `sismember`).
    Bool,
    /// `OK` as `true`, nothing as `false` (`set` with `nx`/`xx`).
    Done,
    /// An array of stored values (`mget`, `smembers`).
    Values,
    /// Field, value, field, value…: an object of stored values (`hgetall`).
    Object,
    /// Whatever a script returned (`eval`): text as a string, numbers,
    /// arrays, `null`.
    Any,
}

/// What the store answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Nil,
    Int(i64),
    /// A bulk or simple string.
    Text(Vec<u8>),
    Array(Vec<Reply>),
}

/// Why a command failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvError {
    /// The store cannot be reached, or did not answer in time: the
    /// script's error has `code` `KV_UNAVAILABLE` (503 when uncaught).
    Unavailable(String),
    /// The store refused the command (`WRONGTYPE…`, a script's error):
    /// `code` `KV_ERROR`.
    Refused(String),
}

impl KvError {
    pub fn message(&self) -> &str {
        match self {
            KvError::Unavailable(m) | KvError::Refused(m) => m,
        }
    }
}
