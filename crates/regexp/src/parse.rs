//! Pattern text → `Node` tree, by the grammar of ECMA-262 22.2.1: in `u`
//! mode strictly, otherwise with the web-compatibility grammar of Annex
//! B.1.2 that libraries rely on (`/{/`, `/]/`, `[\w-]`, octal escapes,
//! `\c` without a letter, quantified lookaheads).

use crate::Error;
use crate::ast::{Assertion, Node};
use crate::charset::CharSet;
use crate::unicode;

/// The result of parsing: the tree, the number of capturing groups and
/// their names.
pub struct Parsed {
    pub node: Node,
    pub groups: u32,
    /// `(name, group number)` in the order the groups open.
    pub names: Vec<(String, u32)>,
}

/// What one atom of a class stands for.
enum ClassAtom {
    Char(u32),
    Set(CharSet),
}

struct Parser<'a> {
    /// Code points in `u` mode, UTF-16 code units otherwise.
    src: &'a [u32],
    pos: usize,
    unicode: bool,
    /// Whether `\k` is a named reference: in `u` mode or when the pattern
    /// has a named group.
    named: bool,
    /// Capturing groups in the whole pattern (counted before parsing,
    /// since `\2` may refer forward).
    group_count: u32,
    next_group: u32,
    names: Vec<(String, u32)>,
    /// `\k<name>` references, resolved once every name is known.
    refs: Vec<String>,
    ignore_case: bool,
}

/// Backreferences by name are parsed as `BackRef(UNRESOLVED - k)` for the
/// k-th name in `refs`, then resolved.
const UNRESOLVED: u32 = u32::MAX;

fn error<T>(message: &str) -> Result<T, Error> {
    Err(Error {
        message: message.to_string(),
    })
}

pub fn parse(src: &[u32], unicode: bool, ignore_case: bool) -> Result<Parsed, Error> {
    let (group_count, has_names) = prescan(src);
    let mut p = Parser {
        src,
        pos: 0,
        unicode,
        named: unicode || has_names,
        group_count,
        next_group: 0,
        names: Vec::new(),
        refs: Vec::new(),
        ignore_case,
    };
    let mut node = p.disjunction()?;
    if p.pos < src.len() {
        // Only an unmatched `)` stops a disjunction early.
        return error("Unmatched ')'");
    }
    if !p.refs.is_empty() {
        resolve_refs(&mut node, &p.refs, &p.names)?;
    }
    Ok(Parsed {
        node,
        groups: p.next_group,
        names: p.names,
    })
}

/// Counts the capturing groups and sees whether any has a name, skipping
/// escapes and classes.
fn prescan(src: &[u32]) -> (u32, bool) {
    let (mut count, mut named) = (0, false);
    let mut i = 0;
    let mut in_class = false;
    while i < src.len() {
        match char::from_u32(src[i]).unwrap_or('\0') {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => {
                if src.get(i + 1) != Some(&('?' as u32)) {
                    count += 1;
                } else if src.get(i + 2) == Some(&('<' as u32))
                    && !matches!(src.get(i + 3), Some(&c) if c == '=' as u32 || c == '!' as u32)
                {
                    count += 1;
                    named = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    (count, named)
}

fn resolve_refs(node: &mut Node, refs: &[String], names: &[(String, u32)]) -> Result<(), Error> {
    match node {
        Node::BackRef(n) if *n > UNRESOLVED - refs.len() as u32 => {
            let name = &refs[(UNRESOLVED - *n) as usize];
            match names.iter().find(|(m, _)| m == name) {
                Some(&(_, index)) => *n = index,
                None => return error("Invalid named capture referenced"),
            }
        }
        Node::Capture { node, .. } | Node::Look { node, .. } | Node::Repeat { node, .. } => {
            resolve_refs(node, refs, names)?
        }
        Node::Concat(nodes) | Node::Alt(nodes) => {
            for n in nodes {
                resolve_refs(n, refs, names)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn is_syntax_char(c: u32) -> bool {
    matches!(
        char::from_u32(c),
        Some('^' | '$' | '\\' | '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|')
    )
}

fn hex(c: u32) -> Option<u32> {
    char::from_u32(c)?.to_digit(16)
}

fn is_high(c: u32) -> bool {
    (0xD800..0xDC00).contains(&c)
}

fn is_low(c: u32) -> bool {
    (0xDC00..0xE000).contains(&c)
}

fn combine(hi: u32, lo: u32) -> u32 {
    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
}

impl Parser<'_> {
    fn peek(&self) -> Option<u32> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u32> {
        self.src.get(self.pos + k).copied()
    }

    fn is(&self, k: usize, c: char) -> bool {
        self.peek_at(k) == Some(c as u32)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.is(0, c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn disjunction(&mut self) -> Result<Node, Error> {
        let mut alts = vec![self.alternative()?];
        while self.eat('|') {
            alts.push(self.alternative()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap()
        } else {
            Node::Alt(alts)
        })
    }

    fn alternative(&mut self) -> Result<Node, Error> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' as u32 || c == ')' as u32 {
                break;
            }
            items.push(self.term()?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap(),
            _ => Node::Concat(items),
        })
    }

    fn term(&mut self) -> Result<Node, Error> {
        if self.eat('^') {
            return Ok(Node::Assert(Assertion::Start));
        }
        if self.eat('$') {
            return Ok(Node::Assert(Assertion::End));
        }
        if self.is(0, '\\') && (self.is(1, 'b') || self.is(1, 'B')) {
            let negate = self.is(1, 'B');
            self.pos += 2;
            return Ok(Node::Assert(if negate {
                Assertion::NotWordBoundary
            } else {
                Assertion::WordBoundary
            }));
        }
        if self.is(0, '(') && self.is(1, '?') {
            let behind = self.is(2, '<') && (self.is(3, '=') || self.is(3, '!'));
            if self.is(2, '=') || self.is(2, '!') || behind {
                let negate = self.is(if behind { 3 } else { 2 }, '!');
                self.pos += if behind { 4 } else { 3 };
                let node = self.disjunction()?;
                if !self.eat(')') {
                    return error("Unterminated group");
                }
                let look = Node::Look {
                    ahead: !behind,
                    negate,
                    node: Box::new(node),
                };
                // Annex B: a lookahead may be quantified outside u mode.
                return if behind || self.unicode {
                    Ok(look)
                } else {
                    self.quantified(look)
                };
            }
        }
        let atom = self.atom()?;
        self.quantified(atom)
    }

    /// A `{min}`, `{min,}` or `{min,max}` at the current position: the
    /// bounds and the length, without consuming it.
    fn braced_quantifier(&self) -> Option<(u32, u32, usize)> {
        let mut i = self.pos + 1;
        let number = |i: &mut usize| -> Option<u32> {
            let start = *i;
            let mut n: u64 = 0;
            while let Some(d) = self
                .src
                .get(*i)
                .and_then(|&c| char::from_u32(c)?.to_digit(10))
            {
                n = (n * 10 + d as u64).min(u32::MAX as u64);
                *i += 1;
            }
            (*i > start).then_some(n as u32)
        };
        let min = number(&mut i)?;
        let max = if self.src.get(i) == Some(&(',' as u32)) {
            i += 1;
            number(&mut i).unwrap_or(u32::MAX)
        } else {
            min
        };
        (self.src.get(i) == Some(&('}' as u32))).then_some((min, max, i + 1 - self.pos))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, Error> {
        let (min, max) = match self.peek().and_then(char::from_u32) {
            Some('*') => (0, u32::MAX),
            Some('+') => (1, u32::MAX),
            Some('?') => (0, 1),
            Some('{') => match self.braced_quantifier() {
                Some((min, max, len)) => {
                    self.pos += len - 1;
                    (min, max)
                }
                None if self.unicode => return error("Incomplete quantifier"),
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        self.pos += 1;
        let greedy = !self.eat('?');
        if min > max {
            return error("numbers out of order in {} quantifier");
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            greedy,
        })
    }

    fn atom(&mut self) -> Result<Node, Error> {
        let c = self.peek().unwrap();
        match char::from_u32(c) {
            Some('.') => {
                self.pos += 1;
                Ok(Node::Dot)
            }
            Some('(') => self.group(),
            Some('[') => self.class(),
            Some('\\') => self.atom_escape(),
            Some('*' | '+' | '?') => error("Nothing to repeat"),
            Some('{') if self.unicode || self.braced_quantifier().is_some() => {
                error(if self.unicode {
                    "Lone quantifier brackets"
                } else {
                    "Nothing to repeat"
                })
            }
            Some('}' | ']') if self.unicode => error("Lone quantifier brackets"),
            _ => {
                self.pos += 1;
                Ok(Node::Char(c))
            }
        }
    }

    fn group(&mut self) -> Result<Node, Error> {
        self.pos += 1;
        let mut name = None;
        if self.eat('?') {
            if self.eat(':') {
                let node = self.disjunction()?;
                if !self.eat(')') {
                    return error("Unterminated group");
                }
                return Ok(node);
            }
            if !self.eat('<') {
                return error("Invalid group");
            }
            name = Some(self.group_name()?);
        }
        self.next_group += 1;
        let index = self.next_group;
        if let Some(name) = name {
            if self.names.iter().any(|(n, _)| *n == name) {
                return error("Duplicate capture group name");
            }
            self.names.push((name, index));
        }
        let node = self.disjunction()?;
        if !self.eat(')') {
            return error("Unterminated group");
        }
        Ok(Node::Capture {
            index,
            node: Box::new(node),
        })
    }

    /// A group name up to its `>`: an identifier, escapes allowed.
    fn group_name(&mut self) -> Result<String, Error> {
        let mut name = String::new();
        loop {
            let Some(mut c) = self.peek() else {
                return error("Invalid capture group name");
            };
            self.pos += 1;
            if c == '>' as u32 {
                break;
            }
            if c == '\\' as u32 {
                if !self.eat('u') {
                    return error("Invalid capture group name");
                }
                c = self.full_unicode_escape()?;
            } else if is_high(c) && self.peek().is_some_and(is_low) {
                c = combine(c, self.peek().unwrap());
                self.pos += 1;
            }
            let ch = char::from_u32(c).ok_or_else(|| Error::new("Invalid capture group name"))?;
            let ok = if name.is_empty() {
                ch == '$' || ch == '_' || unicode_ident::is_xid_start(ch)
            } else {
                ch == '$'
                    || ch == '\u{200C}'
                    || ch == '\u{200D}'
                    || unicode_ident::is_xid_continue(ch)
            };
            if !ok {
                return error("Invalid capture group name");
            }
            name.push(ch);
        }
        if name.is_empty() {
            return error("Invalid capture group name");
        }
        Ok(name)
    }

    /// `\u` (after the `u`) as `u` mode and group names read it: `{…}` or
    /// four digits, a surrogate pair of escapes combined.
    fn full_unicode_escape(&mut self) -> Result<u32, Error> {
        let bad = || Error::new("Invalid Unicode escape");
        if self.eat('{') {
            return self.braced_code_point().ok_or_else(bad);
        }
        let c = self.four_hex().ok_or_else(bad)?;
        if is_high(c) && self.is(0, '\\') && self.is(1, 'u') {
            let save = self.pos;
            self.pos += 2;
            match self.four_hex() {
                Some(lo) if is_low(lo) => return Ok(combine(c, lo)),
                _ => self.pos = save,
            }
        }
        Ok(c)
    }

    fn four_hex(&mut self) -> Option<u32> {
        let mut v = 0;
        for k in 0..4 {
            v = v * 16 + hex(self.peek_at(k)?)?;
        }
        self.pos += 4;
        Some(v)
    }

    /// After `\u{`: hex digits up to `}`, at most U+10FFFF.
    fn braced_code_point(&mut self) -> Option<u32> {
        let mut v: u32 = 0;
        let start = self.pos;
        while let Some(d) = self.peek().and_then(hex) {
            v = v.saturating_mul(16).saturating_add(d);
            self.pos += 1;
        }
        if self.pos == start || !self.eat('}') || v > 0x10FFFF {
            return None;
        }
        Some(v)
    }

    fn atom_escape(&mut self) -> Result<Node, Error> {
        self.pos += 1;
        let Some(c) = self.peek() else {
            return error("\\ at end of pattern");
        };
        if let Some(set) = self.class_escape_set(c)? {
            return Ok(Node::Set {
                set,
                negated: false,
            });
        }
        match char::from_u32(c) {
            Some('1'..='9') => {
                let start = self.pos;
                let mut n: u64 = 0;
                while let Some(d) = self.peek().and_then(|c| char::from_u32(c)?.to_digit(10)) {
                    n = (n * 10 + d as u64).min(u32::MAX as u64);
                    self.pos += 1;
                }
                if n <= self.group_count as u64 {
                    return Ok(Node::BackRef(n as u32));
                }
                if self.unicode {
                    return error("Invalid escape");
                }
                // Annex B: `\8` and `\9` are the digits, others octal.
                self.pos = start;
                if c >= '8' as u32 {
                    self.pos += 1;
                    return Ok(Node::Char(c));
                }
                Ok(Node::Char(self.legacy_octal()))
            }
            Some('k') if self.named => {
                self.pos += 1;
                if !self.eat('<') {
                    return error("Invalid named reference");
                }
                let name = self.group_name()?;
                self.refs.push(name);
                Ok(Node::BackRef(UNRESOLVED - (self.refs.len() as u32 - 1)))
            }
            _ => Ok(Node::Char(self.character_escape(false)?)),
        }
    }

    /// `\d \D \s \S \w \W`, and `\p{…} \P{…}` in `u` mode, at `c` (after
    /// the backslash): the set, consumed; `None` for any other escape.
    fn class_escape_set(&mut self, c: u32) -> Result<Option<CharSet>, Error> {
        let word = || unicode::word(self.unicode && self.ignore_case);
        let set = match char::from_u32(c) {
            Some('d') => unicode::digits(),
            Some('D') => unicode::digits().complement(),
            Some('s') => unicode::spaces(),
            Some('S') => unicode::spaces().complement(),
            Some('w') => word(),
            Some('W') => word().complement(),
            Some(p @ ('p' | 'P')) if self.unicode => {
                self.pos += 1;
                let set = self.property()?;
                return Ok(Some(if p == 'P' { set.complement() } else { set }));
            }
            _ => return Ok(None),
        };
        self.pos += 1;
        Ok(Some(set))
    }

    /// After `\p`: `{name}` or `{name=value}`.
    fn property(&mut self) -> Result<CharSet, Error> {
        if !self.eat('{') {
            return error("Invalid property name");
        }
        let mut text = String::new();
        loop {
            match self.peek().and_then(char::from_u32) {
                Some('}') => break,
                Some(ch) if ch.is_ascii_alphanumeric() || ch == '_' || ch == '=' => text.push(ch),
                _ => return error("Invalid property name"),
            }
            self.pos += 1;
        }
        self.pos += 1;
        let (name, value) = match text.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (&text[..], None),
        };
        unicode::property(name, value).ok_or_else(|| Error::new("Invalid property name"))
    }

    /// Up to three octal digits (value at most 0o377), at least one.
    fn legacy_octal(&mut self) -> u32 {
        let digit = |c: Option<u32>| c.and_then(|c| char::from_u32(c)?.to_digit(8));
        let first = digit(self.peek()).unwrap();
        self.pos += 1;
        let mut v = first;
        let most = if first <= 3 { 2 } else { 1 };
        for _ in 0..most {
            match digit(self.peek()) {
                Some(d) => {
                    v = v * 8 + d;
                    self.pos += 1;
                }
                None => break,
            }
        }
        v
    }

    /// A CharacterEscape at the current position (after the backslash):
    /// its character, consumed. Outside `u` mode, `\c` without a letter is
    /// a backslash (the `c` is left to be read next).
    fn character_escape(&mut self, in_class: bool) -> Result<u32, Error> {
        let c = self.peek().unwrap();
        let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
        self.pos += 1;
        let value = match ch {
            'f' => 0x0C,
            'n' => 0x0A,
            'r' => 0x0D,
            't' => 0x09,
            'v' => 0x0B,
            'c' => {
                if let Some(l) = self
                    .peek()
                    .filter(|&l| (l as u8 as u32) == l && (l as u8).is_ascii_alphabetic())
                {
                    self.pos += 1;
                    l % 32
                } else if in_class
                    && !self.unicode
                    && self.peek().is_some_and(|l| {
                        l == '_' as u32 || (l as u8 as u32 == l && (l as u8).is_ascii_digit())
                    })
                {
                    // Annex B ClassControlLetter.
                    let l = self.peek().unwrap();
                    self.pos += 1;
                    l % 32
                } else if self.unicode {
                    return error("Invalid unicode escape");
                } else {
                    self.pos -= 1;
                    '\\' as u32
                }
            }
            '0' if !self.peek().is_some_and(|d| (0x30..=0x39).contains(&d)) => 0,
            '0'..='9' if self.unicode => return error("Invalid decimal escape"),
            '0'..='7' => {
                self.pos -= 1;
                self.legacy_octal()
            }
            'x' => match (self.peek().and_then(hex), self.peek_at(1).and_then(hex)) {
                (Some(a), Some(b)) => {
                    self.pos += 2;
                    a * 16 + b
                }
                _ if self.unicode => return error("Invalid escape"),
                _ => 'x' as u32,
            },
            'u' => self.unicode_escape()?,
            _ if self.unicode => {
                if is_syntax_char(c) || ch == '/' || (in_class && ch == '-') {
                    c
                } else {
                    return error("Invalid escape");
                }
            }
            'k' if self.named => return error("Invalid named reference"),
            _ => c,
        };
        Ok(value)
    }

    /// After `\u`: in `u` mode `{…}` or four digits (a pair of escaped
    /// surrogates is one code point); outside it four digits or the `u`.
    fn unicode_escape(&mut self) -> Result<u32, Error> {
        if self.unicode {
            return self.full_unicode_escape();
        }
        Ok(self.four_hex().unwrap_or('u' as u32))
    }

    fn class(&mut self) -> Result<Node, Error> {
        self.pos += 1;
        let negated = self.eat('^');
        let mut set = CharSet::new();
        loop {
            match self.peek() {
                None => return error("Unterminated character class"),
                Some(c) if c == ']' as u32 => {
                    self.pos += 1;
                    break;
                }
                _ => {}
            }
            let a = self.class_atom()?;
            if self.is(0, '-') && self.peek_at(1).is_some_and(|c| c != ']' as u32) {
                self.pos += 1;
                let b = self.class_atom()?;
                match (a, b) {
                    (ClassAtom::Char(a), ClassAtom::Char(b)) => {
                        if a > b {
                            return error("Range out of order in character class");
                        }
                        set.push(a, b);
                    }
                    _ if self.unicode => return error("Invalid character class"),
                    (a, b) => {
                        add_atom(&mut set, a);
                        set.push('-' as u32, '-' as u32);
                        add_atom(&mut set, b);
                    }
                }
            } else {
                add_atom(&mut set, a);
            }
        }
        set.normalize();
        Ok(Node::Set { set, negated })
    }

    fn class_atom(&mut self) -> Result<ClassAtom, Error> {
        let c = self.peek().unwrap();
        self.pos += 1;
        if c != '\\' as u32 {
            return Ok(ClassAtom::Char(c));
        }
        let Some(e) = self.peek() else {
            return error("\\ at end of pattern");
        };
        if let Some(set) = self.class_escape_set(e)? {
            return Ok(ClassAtom::Set(set));
        }
        match char::from_u32(e) {
            Some('b') => {
                self.pos += 1;
                Ok(ClassAtom::Char(8))
            }
            Some('-') if self.unicode => {
                self.pos += 1;
                Ok(ClassAtom::Char('-' as u32))
            }
            Some('8' | '9') if !self.unicode => {
                self.pos += 1;
                Ok(ClassAtom::Char(e))
            }
            Some('B') if !self.unicode => {
                self.pos += 1;
                Ok(ClassAtom::Char(e))
            }
            _ => Ok(ClassAtom::Char(self.character_escape(true)?)),
        }
    }
}

fn add_atom(set: &mut CharSet, atom: ClassAtom) {
    match atom {
        ClassAtom::Char(c) => set.push(c, c),
        ClassAtom::Set(s) => {
            for &(lo, hi) in s.ranges() {
                set.push(lo, hi);
            }
        }
    }
}
