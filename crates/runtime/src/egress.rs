//! Which addresses `http()` may connect to: the operator's allow and deny
//! lists of networks (`10.0.0.0/8`, `fe80::/10`), checked on every address
//! a host name resolves to — so `0x7f000001`, `2130706433` or a DNS name
//! pointing at a cloud metadata address are judged by where they lead.

use std::net::IpAddr;

/// A network: an address and how many leading bits must match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Net {
    addr: IpAddr,
    bits: u8,
}

impl Net {
    /// `10.0.0.0/8`, `fe80::/10`, or a bare address (all its bits).
    pub fn parse(text: &str) -> Result<Net, String> {
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("`{text}` is not a network (like 10.0.0.0/8 or fe80::/10)"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            None => max,
            Some(b) => b
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|&b| b <= max)
                .ok_or_else(|| format!("`{text}`: the prefix must be 0 to {max}"))?,
        };
        Ok(Net { addr, bits })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 address reached over IPv6 (::ffff:169.254.169.254) is
        // judged as the IPv4 address it is.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let (a, b, width) = match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => (u32::from(n) as u128, u32::from(i) as u128, 32),
            (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128),
            _ => return false,
        };
        if self.bits == 0 {
            return true;
        }
        let shift = width - self.bits as u32;
        (a >> shift) == (b >> shift)
    }
}

/// Link-local networks, where cloud metadata services answer
/// (169.254.169.254, fd00:ec2::254): denied unless the operator says
/// otherwise. Loopback stays allowed, as before.
pub const DEFAULT_DENY: &[&str] = &["169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"];

/// The operator's rules: an address in `deny` is refused; when `allow` is
/// not empty, so is any address outside it.
#[derive(Clone, Debug)]
pub struct Egress {
    pub allow: Vec<Net>,
    pub deny: Vec<Net>,
}

impl Default for Egress {
    fn default() -> Egress {
        Egress {
            allow: Vec::new(),
            deny: DEFAULT_DENY
                .iter()
                .map(|n| Net::parse(n).expect("the defaults parse"))
                .collect(),
        }
    }
}

impl Egress {
    pub fn from_lists(allow: &[String], deny: &[String]) -> Result<Egress, String> {
        let parse = |l: &[String]| {
            l.iter()
                .map(|n| Net::parse(n))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Egress {
            allow: parse(allow)?,
            deny: parse(deny)?,
        })
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        !self.deny.iter().any(|n| n.contains(ip))
            && (self.allow.is_empty() || self.allow.iter().any(|n| n.contains(ip)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_and_the_default_rules() {
        let e = Egress::default();
        for ip in [
            "169.254.169.254",
            "fe80::1",
            "::ffff:169.254.169.254",
            "fd00:ec2::254",
        ] {
            assert!(!e.permits(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["127.0.0.1", "::1", "10.1.2.3", "93.184.216.34"] {
            assert!(e.permits(ip.parse().unwrap()), "{ip}");
        }
        let only = Egress::from_lists(&["10.0.0.0/8".into()], &["10.9.0.0/16".into()]).unwrap();
        assert!(only.permits("10.1.2.3".parse().unwrap()));
        assert!(!only.permits("10.9.0.1".parse().unwrap()));
        assert!(!only.permits("127.0.0.1".parse().unwrap()));
        assert!(Net::parse("10.0.0.0/33").is_err() && Net::parse("nope").is_err());
        assert!(
            Net::parse("0.0.0.0/0")
                .unwrap()
                .contains("1.2.3.4".parse().unwrap())
        );
    }
}
