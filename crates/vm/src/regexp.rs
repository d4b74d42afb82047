//! What a `RegExp` object is made of: `Class::RegExp(i)` names a compiled
//! pattern in `Vm::regexps` (a literal's is compiled once when its program
//! is loaded and shared by every evaluation; `new RegExp` compiles during
//! the run and is forgotten at `reset`), and `lastIndex` is its first own
//! property. Running the matcher spends the run's instruction budget, one
//! instruction per matcher step, so a pattern that backtracks for hours
//! ends like a loop that would: budget exhausted.
//!
//! The methods (builtins/regexp.rs) build on `regexp_builtin_exec` here.

use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::state::Vm;
use crate::value::{ObjId, Value};
use ::regexp::{Regex, Scratch, UNSET};
use std::rc::Rc;

/// One compiled pattern and the source it was compiled from.
pub(crate) struct Compiled {
    pub regex: Rc<Regex>,
    /// The pattern as given (`source` escapes it).
    pub source: Value,
}

/// The compiled patterns and the matcher's reusable memory.
#[derive(Default)]
pub(crate) struct Regexps {
    pub table: Vec<Compiled>,
    /// Entries before this one belong to loaded programs' literals.
    pub permanent: usize,
    scratch: Scratch,
    /// The last string searched, as UTF-16 when it is not ASCII.
    text_of: Option<Value>,
    ascii: bool,
    units: Vec<u16>,
}

impl Regexps {
    /// Forgets the run's patterns (reset).
    pub fn reset(&mut self) {
        self.table.truncate(self.permanent);
        self.text_of = None;
    }
}

fn same_string(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Atom(x), Value::Atom(y)) => x == y,
        _ => false,
    }
}

/// ToLength for a position: NaN and negatives are 0.
pub(crate) fn to_length(n: f64) -> usize {
    if n.is_nan() || n <= 0.0 {
        0
    } else {
        n.min(9_007_199_254_740_991.0) as usize
    }
}

impl Vm {
    /// Compiles a literal of a program being loaded; its number in the
    /// table. The compiler has already checked it.
    pub(crate) fn compile_literal(&mut self, pattern: &str, flags: &str) -> u32 {
        let regex =
            Regex::new(pattern, flags).expect("the compiler checks regular expression literals");
        let source = Value::Atom(self.heap.intern(pattern));
        self.regexps.table.push(Compiled {
            regex: Rc::new(regex),
            source,
        });
        self.regexps.permanent = self.regexps.table.len();
        self.regexps.table.len() as u32 - 1
    }

    /// Compiles `pattern` with `flags` (strings) during a run: its number,
    /// or the SyntaxError.
    pub(crate) fn compile_regexp(
        &mut self,
        pattern: Value,
        flags: Value,
    ) -> Result<u32, Interrupt> {
        let p = self.heap.str(pattern).unwrap_or("");
        let f = self.heap.str(flags).unwrap_or("");
        let regex = Regex::new(p, f).map_err(|e| {
            let shown = if p.is_empty() { "(?:)" } else { p };
            Interrupt::error(
                ErrorKind::SyntaxError,
                format!("Invalid regular expression: /{shown}/{f}: {e}"),
            )
        })?;
        self.heap.charge(regex.size())?;
        self.regexps.table.push(Compiled {
            regex: Rc::new(regex),
            source: pattern,
        });
        Ok(self.regexps.table.len() as u32 - 1)
    }

    /// Makes `o` a RegExp of compiled pattern `index` with `lastIndex` 0.
    pub(crate) fn init_regexp(&mut self, o: ObjId, index: u32) -> Result<(), Interrupt> {
        self.heap.obj_mut(o).class = Class::RegExp(index);
        let key = self.atoms.last_index;
        if self.get_own_slot(o, key).is_none() {
            self.define_with(
                o,
                key,
                Value::Num(0.0),
                crate::attrs::HIDDEN | crate::attrs::FIXED,
            )?;
        } else {
            self.set_field(Value::Obj(o), key, Value::Num(0.0))?;
        }
        Ok(())
    }

    /// A new RegExp object of compiled pattern `index` (a literal's value).
    pub(crate) fn new_regexp(&mut self, index: u32) -> Result<Value, Interrupt> {
        let o = self
            .heap
            .alloc(Class::RegExp(index), Some(self.realm.regexp_proto))?;
        let key = self.atoms.last_index;
        self.define_with(
            o,
            key,
            Value::Num(0.0),
            crate::attrs::HIDDEN | crate::attrs::FIXED,
        )?;
        Ok(Value::Obj(o))
    }

    /// The object and compiled pattern of a RegExp value.
    pub(crate) fn regexp_of(&self, v: Value) -> Option<(ObjId, u32)> {
        match v {
            Value::Obj(o) => match self.heap.obj(o).class {
                Class::RegExp(i) => Some((o, i)),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn compiled(&self, index: u32) -> &Compiled {
        &self.regexps.table[index as usize]
    }

    /// Whether RegExp `o` behaves as the realm made it: its only own
    /// property is `lastIndex` and `RegExp.prototype` is unchanged, so
    /// reading `exec`, `flags` and the flag getters gives the built-ins.
    pub(crate) fn plain_regexp(&self, o: ObjId) -> bool {
        let obj = self.heap.obj(o);
        obj.props.len() == 1
            && obj.proto == Some(self.realm.regexp_proto)
            && !self.heap.obj(self.realm.regexp_proto).changed
    }

    /// Makes string `s` the one the matcher reads (its UTF-16 form, when it
    /// is not ASCII, kept until another string is searched); its length in
    /// code units.
    pub(crate) fn prepare_text(&mut self, s: Value) -> usize {
        let text = self.heap.str(s).unwrap_or("");
        let rx = &mut self.regexps;
        if !rx.text_of.is_some_and(|v| same_string(v, s)) {
            rx.ascii = text.is_ascii();
            if !rx.ascii {
                rx.units.clear();
                rx.units.extend(text.encode_utf16());
            }
            rx.text_of = Some(s);
        }
        if rx.ascii { text.len() } else { rx.units.len() }
    }

    /// AdvanceStringIndex: the code unit after the character at `i` (a
    /// whole surrogate pair in `u` mode).
    pub(crate) fn advance_index(&mut self, s: Value, i: usize, unicode: bool) -> usize {
        let len = self.prepare_text(s);
        if !unicode || self.regexps.ascii || i + 1 >= len {
            return i + 1;
        }
        let units = &self.regexps.units;
        if (0xD800..0xDC00).contains(&units[i]) && (0xDC00..0xE000).contains(&units[i + 1]) {
            i + 2
        } else {
            i + 1
        }
    }

    /// Searches string `s` with compiled pattern `index` from code unit
    /// `start`; on a match the positions are in `match_slots`.
    pub(crate) fn regex_search(
        &mut self,
        index: u32,
        s: Value,
        start: usize,
    ) -> Result<bool, Interrupt> {
        self.regex_search_with(index, s, start, false)
    }

    /// The same, scanning forward even for a sticky pattern
    /// (`Regex::scan`).
    pub(crate) fn regex_search_with(
        &mut self,
        index: u32,
        s: Value,
        start: usize,
        scan: bool,
    ) -> Result<bool, Interrupt> {
        let regex = self.regexps.table[index as usize].regex.clone();
        let avail = self.work_left();
        let mut fuel = avail;
        self.prepare_text(s);
        let text = self.heap.str(s).unwrap_or("");
        let rx = &mut self.regexps;
        let r = match (rx.ascii, scan) {
            (true, false) => regex.search(text.as_bytes(), start, &mut fuel, &mut rx.scratch),
            (true, true) => regex.scan(text.as_bytes(), start, &mut fuel, &mut rx.scratch),
            (false, false) => regex.search(&rx.units[..], start, &mut fuel, &mut rx.scratch),
            (false, true) => regex.scan(&rx.units[..], start, &mut fuel, &mut rx.scratch),
        };
        self.charge_work(avail - fuel)?;
        match r {
            Ok(found) => Ok(found),
            Err(::regexp::Exhausted) => Err(self.budget_exhausted()),
        }
    }

    /// The code unit range of group `k` (0: the whole match) of the last
    /// search, or `None` for a group that did not take part.
    pub(crate) fn match_range(&self, k: usize) -> Option<(usize, usize)> {
        let slots = &self.regexps.scratch.slots;
        let (a, b) = (slots[2 * k], slots[2 * k + 1]);
        (a != UNSET && b != UNSET).then_some((a, b))
    }

    /// Code units `a..b` of string `s` (the last one searched) as a string.
    pub(crate) fn units_slice(&mut self, s: Value, a: usize, b: usize) -> Result<Value, Interrupt> {
        self.prepare_text(s);
        let text = self.heap.str(s).unwrap_or("");
        let rx = &mut self.regexps;
        if rx.ascii {
            let piece = text[a..b].to_string();
            return Ok(self.heap.alloc_str(&piece)?);
        }
        let piece = String::from_utf16_lossy(&self.regexps.units[a..b]);
        Ok(self.heap.alloc_str(&piece)?)
    }

    /// RegExpBuiltinExec (ECMA-262 22.2.7.2): the match array or null,
    /// `lastIndex` read and written as specified. `s` is a string.
    pub(crate) fn regexp_builtin_exec(
        &mut self,
        r: ObjId,
        index: u32,
        s: Value,
    ) -> Result<Value, Interrupt> {
        let Some((start, _)) = self.regexp_step(r, index, s)? else {
            return Ok(Value::Null);
        };
        let regex = self.regexps.table[index as usize].regex.clone();
        let groups = regex.groups as usize;
        let ranges: Vec<Option<(usize, usize)>> =
            (0..=groups).map(|k| self.match_range(k)).collect();
        let mut items = Vec::with_capacity(groups + 1);
        for range in &ranges {
            items.push(match *range {
                Some((a, b)) => self.units_slice(s, a, b)?,
                None => Value::Undefined,
            });
        }
        let array = self.new_array(&items)?;
        let Value::Obj(a) = array else { unreachable!() };
        self.define_own(a, self.atoms.index, Value::Num(start as f64))?;
        self.define_own(a, self.atoms.input, s)?;
        let named = self.named_groups(&regex, &items)?;
        self.define_own(a, self.atoms.groups, named)?;
        if regex.flags.has_indices {
            let mut pairs = Vec::with_capacity(ranges.len());
            for range in &ranges {
                pairs.push(match *range {
                    Some((x, y)) => {
                        self.new_array(&[Value::Num(x as f64), Value::Num(y as f64)])?
                    }
                    None => Value::Undefined,
                });
            }
            let indices = self.new_array(&pairs)?;
            let named = self.named_groups(&regex, &pairs)?;
            let Value::Obj(io) = indices else {
                unreachable!()
            };
            self.define_own(io, self.atoms.groups, named)?;
            let key = self.heap.intern("indices");
            self.define_own(a, key, indices)?;
        }
        Ok(array)
    }

    /// A `groups` object (no prototype) of the named groups' values, or
    /// undefined for a pattern without names.
    fn named_groups(&mut self, regex: &Regex, values: &[Value]) -> Result<Value, Interrupt> {
        if regex.names.is_empty() {
            return Ok(Value::Undefined);
        }
        let g = self.heap.alloc(Class::Object, None)?;
        for (name, i) in &regex.names {
            let key = self.heap.intern(name);
            self.define_own(g, key, values[*i as usize])?;
        }
        Ok(Value::Obj(g))
    }

    /// The matching half of RegExpBuiltinExec: reads `lastIndex`, searches,
    /// writes `lastIndex` back for global and sticky patterns; the match's
    /// range, with the groups' in `match_range`.
    pub(crate) fn regexp_step(
        &mut self,
        r: ObjId,
        index: u32,
        s: Value,
    ) -> Result<Option<(usize, usize)>, Interrupt> {
        let flags = self.regexps.table[index as usize].regex.flags;
        let key = self.atoms.last_index;
        let li = self.get_field(Value::Obj(r), key)?;
        let li = to_length(self.to_number(li)?);
        let keeps = flags.global || flags.sticky;
        let start = if keeps { li } else { 0 };
        let len = self.prepare_text(s);
        if start > len || !self.regex_search(index, s, start)? {
            if keeps {
                self.set_field(Value::Obj(r), key, Value::Num(0.0))?;
            }
            return Ok(None);
        }
        let (a, b) = self.match_range(0).unwrap();
        if keeps {
            self.set_field(Value::Obj(r), key, Value::Num(b as f64))?;
        }
        Ok(Some((a, b)))
    }
}
