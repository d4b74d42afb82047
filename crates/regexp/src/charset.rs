//! Sets of characters (code points, or UTF-16 code units outside `u` mode)
//! as sorted, disjoint, inclusive ranges, and the compiled form the matcher
//! tests against: a bitmap for ASCII beside the ranges.

/// The largest code point.
pub const MAX_CHAR: u32 = 0x10FFFF;

/// A set of characters: sorted, disjoint, non-adjacent inclusive ranges
/// once `normalize`d (every constructor here returns a normalized set).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CharSet {
    ranges: Vec<(u32, u32)>,
}

impl CharSet {
    pub fn new() -> CharSet {
        CharSet::default()
    }

    pub fn single(c: u32) -> CharSet {
        CharSet {
            ranges: vec![(c, c)],
        }
    }

    pub fn from_ranges(ranges: impl IntoIterator<Item = (u32, u32)>) -> CharSet {
        let mut set = CharSet {
            ranges: ranges.into_iter().collect(),
        };
        set.normalize();
        set
    }

    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Adds `lo..=hi`; call `normalize` before reading the set again.
    pub fn push(&mut self, lo: u32, hi: u32) {
        self.ranges.push((lo, hi));
    }

    /// Adds every character of `other` (the result is normalized).
    pub fn add_set(&mut self, other: &CharSet) {
        self.ranges.extend_from_slice(&other.ranges);
        self.normalize();
    }

    /// Sorts and merges the ranges.
    pub fn normalize(&mut self) {
        self.ranges.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(self.ranges.len());
        for &(lo, hi) in &self.ranges {
            match out.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        self.ranges = out;
    }

    /// Every character up to `MAX_CHAR` not in this set.
    pub fn complement(&self) -> CharSet {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = 0u32;
        for &(lo, hi) in &self.ranges {
            if lo > next {
                out.push((next, lo - 1));
            }
            next = hi + 1;
        }
        if next <= MAX_CHAR {
            out.push((next, MAX_CHAR));
        }
        CharSet { ranges: out }
    }

    pub fn contains(&self, c: u32) -> bool {
        contains(&self.ranges, c)
    }

    /// The one character this set holds, if it holds exactly one.
    pub fn as_single(&self) -> Option<u32> {
        match self.ranges[..] {
            [(lo, hi)] if lo == hi => Some(lo),
            _ => None,
        }
    }
}

fn contains(ranges: &[(u32, u32)], c: u32) -> bool {
    // The first range whose end is not below `c`.
    let i = ranges.partition_point(|&(_, hi)| hi < c);
    i < ranges.len() && ranges[i].0 <= c
}

/// A set as the matcher tests it: one bit per ASCII character, the rest as
/// ranges searched by bisection.
#[derive(Clone, Debug)]
pub struct CompiledSet {
    ascii: [u64; 2],
    /// The ranges at or above 128.
    wide: Box<[(u32, u32)]>,
}

impl CompiledSet {
    pub fn new(set: &CharSet) -> CompiledSet {
        let mut ascii = [0u64; 2];
        let mut wide = Vec::new();
        for &(lo, hi) in set.ranges() {
            for c in lo..=hi.min(127) {
                ascii[(c >> 6) as usize] |= 1 << (c & 63);
            }
            if hi >= 128 {
                wide.push((lo.max(128), hi));
            }
        }
        CompiledSet {
            ascii,
            wide: wide.into_boxed_slice(),
        }
    }

    #[inline]
    pub fn contains(&self, c: u32) -> bool {
        if c < 128 {
            self.ascii[(c >> 6) as usize] & (1 << (c & 63)) != 0
        } else {
            contains(&self.wide, c)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_merges_overlapping_and_adjacent_ranges() {
        let s = CharSet::from_ranges([(5, 9), (1, 3), (4, 4), (20, 30), (25, 26)]);
        assert_eq!(s.ranges(), &[(1, 9), (20, 30)]);
        assert!(s.contains(9) && !s.contains(10) && s.contains(20));
    }

    #[test]
    fn complement_covers_the_rest() {
        let s = CharSet::from_ranges([(0, 9), (100, MAX_CHAR)]);
        assert_eq!(s.complement().ranges(), &[(10, 99)]);
        assert_eq!(CharSet::new().complement().ranges(), &[(0, MAX_CHAR)]);
    }

    #[test]
    fn compiled_set_agrees_with_the_ranges() {
        let s = CharSet::from_ranges([(b'a' as u32, b'z' as u32), (0x3b1, 0x3c9), (120, 200)]);
        let c = CompiledSet::new(&s);
        for ch in 0..1000 {
            assert_eq!(c.contains(ch), s.contains(ch), "{ch}");
        }
    }
}
