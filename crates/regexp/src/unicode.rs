//! The Unicode a pattern needs: the class escapes (`\d \s \w`), line
//! terminators, property escapes (`\p{…}`, from ICU4X's data under the
//! specification's strict names) and case-insensitive matching
//! (Canonicalize: upper case outside `u` mode, simple case folding in it).

use crate::charset::{CharSet, MAX_CHAR};
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup, Script};
use icu_properties::script::ScriptWithExtensions;
use icu_properties::{CodePointMapData, CodePointSetData, PropertyParser};
use std::collections::HashMap;
use std::sync::OnceLock;

/// `\n`, `\r`, U+2028, U+2029: what `.` does not match and where `^`/`$`
/// match in multiline mode.
#[inline]
pub fn is_line_terminator(c: u32) -> bool {
    c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029
}

/// `[A-Za-z0-9_]`, the word characters of `\b`.
#[inline]
pub fn is_basic_word(c: u32) -> bool {
    c < 128 && (c as u8).is_ascii_alphanumeric() || c == b'_' as u32
}

pub fn digits() -> CharSet {
    CharSet::from_ranges([(0x30, 0x39)])
}

/// WhiteSpace and LineTerminator (`\s`).
pub fn spaces() -> CharSet {
    CharSet::from_ranges([
        (0x09, 0x0D),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
        (0xFEFF, 0xFEFF),
    ])
}

/// `\w`: with `i` and `u` together also the characters whose case folding
/// is a basic word character (U+017F ſ folds to `s`, U+212A K to `k`).
pub fn word(unicode_ignore_case: bool) -> CharSet {
    let mut set = CharSet::from_ranges([(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]);
    if unicode_ignore_case {
        set.push(0x017F, 0x017F);
        set.push(0x212A, 0x212A);
        set.normalize();
    }
    set
}

/// Whether `c` is a word character for `\b` and `\B`.
pub fn is_word(c: u32, unicode_ignore_case: bool) -> bool {
    is_basic_word(c) || unicode_ignore_case && (c == 0x017F || c == 0x212A)
}

/// `\p{name}` or `\p{name=value}`: the set, or `None` when the names are
/// not ones the specification lists (matched strictly: exact spelling,
/// canonical names and their aliases only).
pub fn property(name: &str, value: Option<&str>) -> Option<CharSet> {
    match value {
        Some(value) => match name {
            "General_Category" | "gc" => general_category(value),
            "Script" | "sc" => {
                let script = PropertyParser::<Script>::new().get_strict(value)?;
                let map = CodePointMapData::<Script>::new();
                Some(CharSet::from_ranges(
                    map.iter_ranges_for_value(script)
                        .map(|r| (*r.start(), *r.end())),
                ))
            }
            "Script_Extensions" | "scx" => {
                let script = PropertyParser::<Script>::new().get_strict(value)?;
                let data = ScriptWithExtensions::new();
                Some(CharSet::from_ranges(
                    data.get_script_extensions_ranges(script)
                        .map(|r| (*r.start(), *r.end())),
                ))
            }
            _ => None,
        },
        None => match name {
            "Any" => Some(CharSet::from_ranges([(0, MAX_CHAR)])),
            "ASCII" => Some(CharSet::from_ranges([(0, 0x7F)])),
            "Assigned" => {
                let map = CodePointMapData::<GeneralCategory>::new();
                let unassigned = CharSet::from_ranges(
                    map.iter_ranges_for_value(GeneralCategory::Unassigned)
                        .map(|r| (*r.start(), *r.end())),
                );
                Some(unassigned.complement())
            }
            _ => {
                if let Some(set) = CodePointSetData::new_for_ecma262(name.as_bytes()) {
                    return Some(CharSet::from_ranges(
                        set.iter_ranges().map(|r| (*r.start(), *r.end())),
                    ));
                }
                general_category(name)
            }
        },
    }
}

fn general_category(value: &str) -> Option<CharSet> {
    let group = PropertyParser::<GeneralCategoryGroup>::new().get_strict(value)?;
    let map = CodePointMapData::<GeneralCategory>::new();
    Some(CharSet::from_ranges(
        map.iter_ranges_for_group(group)
            .map(|r| (*r.start(), *r.end())),
    ))
}

/// Canonicalize (ECMA-262 22.2.2.7.3): in `u` mode the simple case
/// folding; otherwise the upper case when it is one code unit and does not
/// take a non-ASCII character into ASCII.
pub fn canonicalize(c: u32, unicode: bool) -> u32 {
    if c < 128 {
        // Both rules agree on ASCII up to the direction they fold in; the
        // callers only compare canonical forms of the same rule.
        let b = c as u8;
        return if unicode {
            b.to_ascii_lowercase() as u32
        } else {
            b.to_ascii_uppercase() as u32
        };
    }
    let Some(ch) = char::from_u32(c) else {
        return c;
    };
    if unicode {
        return icu_casemap::CaseMapper::new().simple_fold(ch) as u32;
    }
    let mut upper = ch.to_uppercase();
    if upper.len() != 1 {
        return c;
    }
    let u = upper.next().unwrap() as u32;
    if !(128..=0xFFFF).contains(&u) {
        return c;
    }
    u
}

/// The characters that share a canonical form with another, grouped by it.
struct Folding {
    /// Character → its group, for characters in a group of two or more.
    group_of: HashMap<u32, u32>,
    groups: Vec<Vec<u32>>,
}

impl Folding {
    fn build(unicode: bool) -> Folding {
        let top = if unicode { MAX_CHAR } else { 0xFFFF };
        let mut by_canon: HashMap<u32, Vec<u32>> = HashMap::new();
        for c in 0..=top {
            let k = canonicalize(c, unicode);
            if k != c {
                by_canon.entry(k).or_insert_with(|| vec![k]).push(c);
            }
        }
        let mut group_of = HashMap::new();
        let mut groups = Vec::new();
        let mut canons: Vec<u32> = by_canon.keys().copied().collect();
        canons.sort_unstable();
        for k in canons {
            let mut members = by_canon.remove(&k).unwrap();
            members.sort_unstable();
            members.dedup();
            for &m in &members {
                group_of.insert(m, groups.len() as u32);
            }
            groups.push(members);
        }
        Folding { group_of, groups }
    }

    fn get(unicode: bool) -> &'static Folding {
        static PLAIN: OnceLock<Folding> = OnceLock::new();
        static UNICODE: OnceLock<Folding> = OnceLock::new();
        if unicode {
            UNICODE.get_or_init(|| Folding::build(true))
        } else {
            PLAIN.get_or_init(|| Folding::build(false))
        }
    }
}

/// Every character with the same canonical form as `c` (`c` included).
pub fn equivalents(c: u32, unicode: bool) -> CharSet {
    let folding = Folding::get(unicode);
    match folding.group_of.get(&c) {
        Some(&g) => CharSet::from_ranges(folding.groups[g as usize].iter().map(|&m| (m, m))),
        None => CharSet::single(c),
    }
}

/// `set` with every character whose canonical form is that of a member:
/// testing a character against the closure is the specification's "some
/// member canonicalizes to the same as the character".
pub fn case_closure(set: &CharSet, unicode: bool) -> CharSet {
    let folding = Folding::get(unicode);
    let mut out = set.clone();
    for group in &folding.groups {
        if group.iter().any(|&m| set.contains(m)) {
            for &m in group {
                out.push(m, m);
            }
        }
    }
    out.normalize();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_names_are_strict() {
        assert!(property("L", None).unwrap().contains('é' as u32));
        assert!(property("Letter", None).is_some());
        assert!(property("letter", None).is_none());
        assert!(property("Script", Some("Greek")).unwrap().contains(0x3B1));
        assert!(property("sc", Some("Grek")).is_some());
        assert!(property("Script", Some("greek")).is_none());
        assert!(property("Emoji", None).unwrap().contains(0x1F525));
        assert!(property("Block", Some("Basic_Latin")).is_none());
        assert!(property("Assigned", None).unwrap().contains('a' as u32));
        assert!(!property("Assigned", None).unwrap().contains(0x0378));
    }

    #[test]
    fn canonical_forms() {
        // Outside u mode: upper case, but never from non-ASCII into ASCII.
        assert_eq!(canonicalize('a' as u32, false), 'A' as u32);
        assert_eq!(canonicalize(0x017F, false), 0x017F); // ſ → S is refused
        assert_eq!(canonicalize(0xDF, false), 0xDF); // ß → SS is two
        // In u mode: simple case folding.
        assert_eq!(canonicalize(0x017F, true), 's' as u32);
        assert_eq!(canonicalize(0x212A, true), 'k' as u32);
        let k = equivalents('k' as u32, true);
        assert!(k.contains('K' as u32) && k.contains(0x212A));
        let plain = equivalents('k' as u32, false);
        assert!(plain.contains('K' as u32) && !plain.contains(0x212A));
    }
}
