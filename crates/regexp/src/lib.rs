//! ECMAScript regular expressions for Kitwork: the pattern syntax of
//! ECMA-262 (with Annex B's outside `u` mode), compiled to a program for a
//! backtracking matcher that runs on fuel — a pattern that would backtrack
//! for hours stops with `Exhausted` when the caller's budget is spent.
//!
//! Written here rather than taken from a crate: the ECMAScript engines
//! available (`regress`) have no step limit, and one is the point.
//!
//! | module | owns |
//! |---|---|
//! | [`parse`] | pattern text → tree, early errors |
//! | [`ast`] | the tree |
//! | [`compile`] | tree → instructions |
//! | [`exec`] | the matcher |
//! | [`charset`] | character sets |
//! | [`unicode`] | class escapes, property escapes, case folding |

pub mod ast;
pub mod charset;
pub mod compile;
pub mod exec;
pub mod parse;
pub mod unicode;

pub use exec::{Exhausted, Scratch, UNSET, Units};

/// A pattern's flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub has_indices: bool,
    pub global: bool,
    pub ignore_case: bool,
    pub multiline: bool,
    pub dot_all: bool,
    pub unicode: bool,
    pub sticky: bool,
}

impl Flags {
    /// Reads flags text (`"gi"`); `None` for an unknown or repeated flag.
    pub fn parse(text: &str) -> Option<Flags> {
        let mut f = Flags::default();
        for c in text.chars() {
            let slot = match c {
                'd' => &mut f.has_indices,
                'g' => &mut f.global,
                'i' => &mut f.ignore_case,
                'm' => &mut f.multiline,
                's' => &mut f.dot_all,
                'u' => &mut f.unicode,
                'y' => &mut f.sticky,
                _ => return None,
            };
            if *slot {
                return None;
            }
            *slot = true;
        }
        Some(f)
    }

    /// The flags in the order `RegExp.prototype.flags` lists them.
    pub fn text(self) -> String {
        let mut s = String::new();
        for (on, c) in [
            (self.has_indices, 'd'),
            (self.global, 'g'),
            (self.ignore_case, 'i'),
            (self.multiline, 'm'),
            (self.dot_all, 's'),
            (self.unicode, 'u'),
            (self.sticky, 'y'),
        ] {
            if on {
                s.push(c);
            }
        }
        s
    }
}

/// A syntax error in a pattern or its flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
}

impl Error {
    pub fn new(message: &str) -> Error {
        Error {
            message: message.to_string(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A compiled regular expression.
#[derive(Debug)]
pub struct Regex {
    pub flags: Flags,
    /// Capturing groups (not counting the whole match).
    pub groups: u32,
    /// `(name, group number)` in the order the groups open.
    pub names: Vec<(String, u32)>,
    program: compile::Program,
}

impl Regex {
    /// Compiles `pattern` (the text between the slashes) with `flags`.
    pub fn new(pattern: &str, flags: &str) -> Result<Regex, Error> {
        let flags = Flags::parse(flags).ok_or_else(|| Error::new("Invalid flags"))?;
        Regex::with_flags(pattern, flags)
    }

    pub fn with_flags(pattern: &str, flags: Flags) -> Result<Regex, Error> {
        // Outside u mode a pattern is a sequence of code units: a character
        // past U+FFFF is two.
        let src: Vec<u32> = if flags.unicode {
            pattern.chars().map(|c| c as u32).collect()
        } else {
            pattern.encode_utf16().map(u32::from).collect()
        };
        let parsed = parse::parse(&src, flags.unicode, flags.ignore_case)?;
        let program = compile::compile(
            &parsed.node,
            flags.unicode,
            flags.ignore_case,
            flags.multiline,
            flags.dot_all,
        );
        Ok(Regex {
            flags,
            groups: parsed.groups,
            names: parsed.names,
            program,
        })
    }

    /// Looks for a match in `text` from code unit `start` (only there when
    /// sticky). On `Ok(true)`, `scratch.slots` holds `2 * (groups + 1)`
    /// positions: start and end of the match, then of each group (`UNSET`
    /// for a group that did not take part). Each step spends one unit of
    /// `fuel`; `Err(Exhausted)` when it runs out.
    pub fn search<T: Units + ?Sized>(
        &self,
        text: &T,
        start: usize,
        fuel: &mut u64,
        scratch: &mut Scratch,
    ) -> Result<bool, Exhausted> {
        exec::search(
            &self.program,
            self.groups,
            self.flags,
            text,
            start,
            fuel,
            scratch,
        )
    }

    /// `search`, but scanning forward from `start` even when the pattern
    /// is sticky (what a sticky search tried at each position in turn
    /// finds first).
    pub fn scan<T: Units + ?Sized>(
        &self,
        text: &T,
        start: usize,
        fuel: &mut u64,
        scratch: &mut Scratch,
    ) -> Result<bool, Exhausted> {
        let flags = Flags {
            sticky: false,
            ..self.flags
        };
        exec::search(
            &self.program,
            self.groups,
            flags,
            text,
            start,
            fuel,
            scratch,
        )
    }

    /// The size of the compiled program in bytes (for memory accounting).
    pub fn size(&self) -> usize {
        self.program.insns.len() * std::mem::size_of::<compile::Insn>()
            + self.program.sets.len() * 64
    }
}
