//! FNV-1a over bytes: a generation's content hash (a work folder's file
//! names and texts, so two loads of the same files have the same id suffix
//! and an unchanged folder is not reloaded) and a migration's checksum.

pub struct Hasher(u64);

impl Default for Hasher {
    fn default() -> Hasher {
        Hasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher {
    /// Adds `bytes`, then a separator so ("ab", "c") ≠ ("a", "bc").
    pub fn add(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().chain(&[0xff]) {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}
