//! The atom table: the interned strings (property keys, names) and the
//! symbols of a heap, numbered by `Atom`. The realm's are permanent; a
//! run's are forgotten at `reset`.
//!
//! Every atom's text lives in one `String`, one after another, and the
//! index from text to atom holds only atom numbers: interning a new name
//! allocates nothing once the buffers have grown (the realm's 900 names
//! cost two allocations each as boxed strings, a tenth of a VM's startup).

use crate::value::Atom;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// What an atom names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AtomKind {
    Text,
    Symbol,
    SymbolWithoutDescription,
}

pub(crate) struct AtomTable {
    /// Every atom's text (a symbol's is its description), one after another.
    text: String,
    /// Where each atom's text ends in `text`; it starts where the
    /// previous one's ends.
    ends: Vec<u32>,
    kinds: Vec<AtomKind>,
    /// The text atoms, found by their text's hash. FxHash: interning
    /// property keys is on the request path, where SipHash's resistance
    /// to flooding buys nothing (keys come from scripts, not clients).
    index: HashTable<Atom>,
    /// Atoms below this survive `reset`.
    permanent: usize,
}

fn hash(s: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(s)
}

/// Atom `a`'s text in `text` (a free function, so the index's closures
/// can borrow the text while the index is borrowed mutably).
#[inline]
fn text_of<'t>(text: &'t str, ends: &[u32], a: Atom) -> &'t str {
    let end = ends[a as usize] as usize;
    let start = match a {
        0 => 0,
        _ => ends[a as usize - 1] as usize,
    };
    // SAFETY: `start..end` is the span `push` appended whole `&str`s at, so
    // both ends are in bounds and on character boundaries.
    unsafe { text.get_unchecked(start..end) }
}

impl AtomTable {
    pub(crate) fn with_capacity(atoms: usize) -> AtomTable {
        AtomTable {
            text: String::with_capacity(atoms * 12),
            ends: Vec::with_capacity(atoms),
            kinds: Vec::with_capacity(atoms),
            index: HashTable::with_capacity(atoms),
            permanent: 0,
        }
    }

    /// How many atoms there are.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn push(&mut self, s: &str, kind: AtomKind) -> Atom {
        let a = self.ends.len() as Atom;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        self.kinds.push(kind);
        a
    }

    /// The atom of string `s`, made if it is new.
    pub(crate) fn intern(&mut self, s: &str) -> Atom {
        let h = hash(s);
        let (text, ends) = (&self.text, &self.ends);
        if let Some(&a) = self.index.find(h, |&a| text_of(text, ends, a) == s) {
            return a;
        }
        let a = self.push(s, AtomKind::Text);
        let (text, ends) = (&self.text, &self.ends);
        self.index
            .insert_unique(h, a, |&a| hash(text_of(text, ends, a)));
        a
    }

    /// The atom of `s` if it exists already.
    pub(crate) fn lookup(&self, s: &str) -> Option<Atom> {
        let (text, ends) = (&self.text, &self.ends);
        self.index
            .find(hash(s), |&a| text_of(text, ends, a) == s)
            .copied()
    }

    /// A new symbol: an atom that no string maps to, so it is unique.
    pub(crate) fn new_symbol(&mut self, description: Option<&str>) -> Atom {
        let kind = match description {
            Some(_) => AtomKind::Symbol,
            None => AtomKind::SymbolWithoutDescription,
        };
        self.push(description.unwrap_or(""), kind)
    }

    #[inline]
    pub(crate) fn text(&self, a: Atom) -> &str {
        text_of(&self.text, &self.ends, a)
    }

    #[inline]
    pub(crate) fn kind(&self, a: Atom) -> AtomKind {
        self.kinds[a as usize]
    }

    /// Makes every atom so far permanent.
    pub(crate) fn seal(&mut self) {
        self.permanent = self.len();
    }

    pub(crate) fn permanent(&self) -> usize {
        self.permanent
    }

    /// Forgets the atoms made since `seal` (their numbers are reused).
    pub(crate) fn reset(&mut self) {
        for a in (self.permanent..self.len()).rev() {
            let a = a as Atom;
            if self.kinds[a as usize] == AtomKind::Text {
                let h = hash(self.text(a));
                if let Ok(entry) = self.index.find_entry(h, |&x| x == a) {
                    entry.remove();
                }
            }
        }
        let keep = self.permanent;
        self.text.truncate(if keep == 0 {
            0
        } else {
            self.ends[keep - 1] as usize
        });
        self.ends.truncate(keep);
        self.kinds.truncate(keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_finds_the_same_atom_and_reset_forgets_a_runs_atoms() {
        let mut t = AtomTable::with_capacity(4);
        let a = t.intern("length");
        let s = t.new_symbol(Some("length"));
        assert_eq!(t.intern("length"), a);
        assert_ne!(s, a);
        assert_eq!((t.text(a), t.text(s)), ("length", "length"));
        t.seal();
        let b = t.intern("héllo");
        assert_eq!(t.lookup("héllo"), Some(b));
        assert_eq!(t.text(b), "héllo");
        t.reset();
        assert_eq!(t.lookup("héllo"), None);
        assert_eq!(t.lookup("length"), Some(a));
        assert_eq!(t.intern("again"), b, "a run's atom numbers are reused");
        let s = t.new_symbol(None);
        assert_eq!(
            (t.text(s), t.kind(s)),
            ("", AtomKind::SymbolWithoutDescription)
        );
    }
}
