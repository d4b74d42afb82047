//! `kv()` on a Redis Cluster (`redis+cluster://host:port[,host:port…]`):
//! a connection per node (each a `redis::Client`, pipelined as for one
//! server), and the slot map — which node serves each of the 16,384 hash
//! slots — read with `CLUSTER SLOTS` from the first seed that answers. A
//! command goes to the node of its key's slot (`{hash tags}` as Redis
//! computes them, by `redis-protocol`); a `MOVED` reply moves that slot
//! in the map and sends the command again, an `ASK` sends it once to the
//! node named, behind `ASKING`. Commands on several keys must keep their
//! keys in one slot (Redis answers `CROSSSLOT` otherwise).

use super::redis::{Address, Client};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use vm::io::kv::{Command, KvError, Reply};

/// Redis Cluster's hash slots.
const SLOTS: usize = 16384;
/// Redirections followed for one command before giving up.
const REDIRECTS: usize = 5;
/// No node known for a slot.
const UNKNOWN: u16 = u16::MAX;

pub struct Cluster {
    seeds: Vec<Address>,
    timeout: Duration,
    tls: std::sync::Arc<rustls::ClientConfig>,
    /// Every node met, by `host:port`.
    nodes: RefCell<Vec<(String, Rc<Client>)>>,
    /// Each slot's node (an index into `nodes`).
    slots: RefCell<Vec<u16>>,
    mapped: Cell<bool>,
}

/// The key a command's slot is taken from, if it names one.
fn key_of(c: &Command) -> Option<&[u8]> {
    match c.name() {
        b"EVAL" | b"EVALSHA" => {
            let keys = std::str::from_utf8(c.get(2)?).ok()?.parse::<u32>().ok()?;
            if keys == 0 { None } else { c.get(3) }
        }
        b"PING" | b"INFO" | b"CLUSTER" => None,
        _ => c.get(1),
    }
}

/// `MOVED 3999 127.0.0.1:6381` / `ASK …`: the slot and the node.
fn redirect(message: &str) -> Option<(bool, usize, String)> {
    let mut words = message.split_whitespace();
    let moved = match words.next()? {
        "MOVED" => true,
        "ASK" => false,
        _ => return None,
    };
    let slot = words.next()?.parse().ok()?;
    Some((moved, slot, words.next()?.to_string()))
}

impl Cluster {
    pub fn new(
        seeds: Vec<Address>,
        timeout: Duration,
        tls: std::sync::Arc<rustls::ClientConfig>,
    ) -> Cluster {
        Cluster {
            seeds,
            timeout,
            tls,
            nodes: RefCell::new(Vec::new()),
            slots: RefCell::new(vec![UNKNOWN; SLOTS]),
            mapped: Cell::new(false),
        }
    }

    /// The node at `host:port` (its index), met now if it is new; it logs
    /// in as the seeds do.
    fn node(&self, at: &str) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        if let Some(i) = nodes.iter().position(|(a, _)| a == at) {
            return i;
        }
        let (host, port) = at.rsplit_once(':').unwrap_or((at, "6379"));
        let seed = &self.seeds[0];
        let address = Address {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port: port.parse().unwrap_or(6379),
            tls: seed.tls,
            user: seed.user.clone(),
            password: seed.password.clone(),
            db: 0,
        };
        nodes.push((
            at.to_string(),
            Rc::new(Client::new(address, self.timeout, self.tls.clone())),
        ));
        nodes.len() - 1
    }

    fn client(&self, i: usize) -> Rc<Client> {
        self.nodes.borrow()[i].1.clone()
    }

    pub async fn run(&self, c: &Command) -> Result<Reply, KvError> {
        if !self.mapped.get() {
            self.map().await?;
        }
        let slot = key_of(c).map(|k| redis_protocol::redis_keyslot(k) as usize);
        let mut target = match slot.map(|s| self.slots.borrow()[s]) {
            Some(i) if i != UNKNOWN => i as usize,
            _ => 0,
        };
        let mut asking = false;
        for _ in 0..REDIRECTS {
            let client = self.client(target);
            let answer = match asking {
                true => client.run_asking(c).await,
                false => client.run(c).await,
            };
            let Err(KvError::Refused(m)) = &answer else {
                return answer;
            };
            let Some((moved, slot, at)) = redirect(m) else {
                return answer;
            };
            target = self.node(&at);
            asking = !moved;
            if moved && slot < SLOTS {
                self.slots.borrow_mut()[slot] = target as u16;
            }
        }
        Err(KvError::Refused(format!(
            "ERR Redis Cluster redirected the command more than {REDIRECTS} times"
        )))
    }

    /// Reads the slot map from the first seed (or known node) that answers.
    async fn map(&self) -> Result<(), KvError> {
        let mut ask = Command::default();
        ask.word(b"CLUSTER");
        ask.word(b"SLOTS");
        let mut why = KvError::Unavailable("no Redis Cluster node given".into());
        for seed in &self.seeds {
            let i = self.node(&format!("{}:{}", seed.host, seed.port));
            match self.client(i).run(&ask).await {
                Ok(Reply::Array(ranges)) => {
                    for range in ranges {
                        let Reply::Array(r) = range else { continue };
                        let (
                            Some(Reply::Int(from)),
                            Some(Reply::Int(to)),
                            Some(Reply::Array(master)),
                        ) = (r.first(), r.get(1), r.get(2))
                        else {
                            continue;
                        };
                        let (Some(Reply::Text(host)), Some(Reply::Int(port))) =
                            (master.first(), master.get(1))
                        else {
                            continue;
                        };
                        let at = format!("{}:{port}", String::from_utf8_lossy(host));
                        let node = self.node(&at) as u16;
                        let mut slots = self.slots.borrow_mut();
                        for s in (*from).max(0) as usize..=(*to).min(SLOTS as i64 - 1) as usize {
                            slots[s] = node;
                        }
                    }
                    self.mapped.set(true);
                    return Ok(());
                }
                Ok(other) => {
                    why =
                        KvError::Refused(format!("CLUSTER SLOTS gave {other:?}: is it a cluster?"));
                }
                Err(e) => why = e,
            }
        }
        Err(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_and_the_redirection_are_read() {
        let mut c = Command::default();
        for w in ["EVAL", "return 1", "1", "the-key", "arg"] {
            c.word(w.as_bytes());
        }
        assert_eq!(key_of(&c), Some(&b"the-key"[..]));
        assert_eq!(
            redirect("MOVED 3999 127.0.0.1:6381"),
            Some((true, 3999, "127.0.0.1:6381".into()))
        );
        assert_eq!(redirect("ASK 1 h:2"), Some((false, 1, "h:2".into())));
        assert_eq!(redirect("WRONGTYPE x"), None);
        // Redis's own examples: a hash tag decides the slot.
        assert_eq!(
            redis_protocol::redis_keyslot(b"{user1000}.following"),
            redis_protocol::redis_keyslot(b"user1000")
        );
    }
}
