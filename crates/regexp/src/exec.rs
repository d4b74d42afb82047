//! The backtracking matcher. Every instruction and every character a
//! single-character loop takes costs a step of the caller's fuel; when it
//! runs out the match stops with `Exhausted`, so no pattern can hold the
//! thread (`/(a+)+$/` on thirty `a`s and a `b` takes billions of steps).
//!
//! Backtracking keeps one stack: alternatives to resume and the old values
//! of the captures and registers changed since, undone as it unwinds.

use crate::ast::Assertion;
use crate::compile::{Insn, NO_REG, Program, Test};
use crate::unicode::{canonicalize, is_line_terminator, is_word};

/// The text being matched, as UTF-16 code units (or bytes when every
/// character is below 128, where a byte is a code unit).
#[allow(clippy::len_without_is_empty)]
pub trait Units {
    fn len(&self) -> usize;
    fn unit(&self, i: usize) -> u32;
}

impl Units for [u8] {
    #[inline]
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    #[inline]
    fn unit(&self, i: usize) -> u32 {
        self[i] as u32
    }
}

impl Units for [u16] {
    #[inline]
    fn len(&self) -> usize {
        <[u16]>::len(self)
    }
    #[inline]
    fn unit(&self, i: usize) -> u32 {
        self[i] as u32
    }
}

/// The fuel ran out before the match was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhausted;

/// An undo or an alternative on the backtracking stack.
#[derive(Clone, Copy, Debug)]
enum Entry {
    /// Resume at `pc`, `pos`.
    Branch { pc: u32, pos: usize },
    /// Put capture slot `slot` back to `old`.
    Slot { slot: u32, old: usize },
    /// Put register `reg` back to `old`.
    Reg { reg: u32, old: usize },
    /// A lookaround began here at `pos`; its body failing unwinds to it.
    Look { negate: bool, pos: usize, end: u32 },
    /// A greedy single-character loop at `pos` that may give characters
    /// back down to `least`, resuming at `pc`.
    Greedy {
        pc: u32,
        least: usize,
        pos: usize,
        back: bool,
    },
    /// A lazy single-character loop that has taken `count` at `pos` and may
    /// take more; `insn` is the loop instruction.
    Lazy { insn: u32, pos: usize, count: u32 },
}

/// Memory a matcher reuses between matches.
#[derive(Default)]
pub struct Scratch {
    /// Two capture slots per group (group 0 is the whole match); `UNSET`
    /// where a group did not take part.
    pub slots: Vec<usize>,
    regs: Vec<usize>,
    stack: Vec<Entry>,
}

pub const UNSET: usize = usize::MAX;

fn is_high(c: u32) -> bool {
    (0xD800..0xDC00).contains(&c)
}

fn is_low(c: u32) -> bool {
    (0xDC00..0xE000).contains(&c)
}

struct Matcher<'a, T: Units + ?Sized> {
    prog: &'a Program,
    text: &'a T,
    unicode: bool,
    ignore_case: bool,
    multiline: bool,
    /// `\w` includes ſ and K (`i` and `u` together).
    wide_word: bool,
}

impl<T: Units + ?Sized> Matcher<'_, T> {
    /// The character at `pos` and the position after it.
    #[inline]
    fn next(&self, pos: usize) -> Option<(u32, usize)> {
        if pos >= self.text.len() {
            return None;
        }
        let c = self.text.unit(pos);
        if self.unicode && is_high(c) && pos + 1 < self.text.len() {
            let d = self.text.unit(pos + 1);
            if is_low(d) {
                return Some((0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00), pos + 2));
            }
        }
        Some((c, pos + 1))
    }

    /// The character before `pos` and the position before it.
    #[inline]
    fn prev(&self, pos: usize) -> Option<(u32, usize)> {
        if pos == 0 {
            return None;
        }
        let c = self.text.unit(pos - 1);
        if self.unicode && is_low(c) && pos >= 2 {
            let h = self.text.unit(pos - 2);
            if is_high(h) {
                return Some((0x10000 + ((h - 0xD800) << 10) + (c - 0xDC00), pos - 2));
            }
        }
        Some((c, pos - 1))
    }

    #[inline]
    fn step(&self, pos: usize, back: bool) -> Option<(u32, usize)> {
        if back { self.prev(pos) } else { self.next(pos) }
    }

    #[inline]
    fn passes(&self, test: Test, c: u32) -> bool {
        match test {
            Test::Char(x) => c == x,
            Test::Set(i) => self.prog.sets[i as usize].contains(c),
            Test::NotSet(i) => !self.prog.sets[i as usize].contains(c),
            Test::Any => true,
            Test::NotNewline => !is_line_terminator(c),
        }
    }

    fn assert(&self, a: Assertion, pos: usize) -> bool {
        let len = self.text.len();
        match a {
            Assertion::Start => {
                pos == 0 || self.multiline && is_line_terminator(self.text.unit(pos - 1))
            }
            Assertion::End => {
                pos == len || self.multiline && is_line_terminator(self.text.unit(pos))
            }
            Assertion::WordBoundary | Assertion::NotWordBoundary => {
                let before = pos > 0 && is_word(self.text.unit(pos - 1), self.wide_word);
                let after = pos < len && is_word(self.text.unit(pos), self.wide_word);
                (before != after) == (a == Assertion::WordBoundary)
            }
        }
    }

    /// A backreference to the text of `slots[s..e]` at `pos`: the position
    /// after it (before it, backwards), or `None`.
    fn backref(&self, start: usize, end: usize, pos: usize, back: bool) -> Option<usize> {
        let n = end - start;
        let from = if back {
            pos.checked_sub(n)?
        } else {
            if pos + n > self.text.len() {
                return None;
            }
            pos
        };
        for k in 0..n {
            let (a, b) = (self.text.unit(start + k), self.text.unit(from + k));
            if a != b
                && !(self.ignore_case
                    && canonicalize(a, self.unicode) == canonicalize(b, self.unicode))
            {
                // Case folding in u mode compares code points; a pair
                // of units differing only in case is a BMP character.
                return None;
            }
        }
        Some(if back { from } else { from + n })
    }

    /// Runs the program from `start`; `Ok(true)` with the captures in
    /// `scratch.slots` on a match.
    fn run(&self, start: usize, fuel: &mut u64, s: &mut Scratch) -> Result<bool, Exhausted> {
        let insns = &self.prog.insns[..];
        s.slots.fill(UNSET);
        s.stack.clear();
        let mut pc = 0usize;
        let mut pos = start;
        let mut steps = *fuel;
        macro_rules! charge {
            ($n:expr) => {
                if steps < $n {
                    *fuel = 0;
                    return Err(Exhausted);
                }
                steps -= $n;
            };
        }
        loop {
            charge!(1);
            let ok = match insns[pc] {
                Insn::Consume { test, back } => match self.step(pos, back) {
                    Some((c, p)) if self.passes(test, c) => {
                        pos = p;
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Insn::Repeat {
                    test,
                    min,
                    max,
                    greedy,
                    back,
                } => {
                    let mut count = 0;
                    let mut p = pos;
                    let mut least = pos;
                    let limit = if greedy { max } else { min };
                    let mut ok = true;
                    while count < limit {
                        match self.step(p, back) {
                            Some((c, q)) if self.passes(test, c) => {
                                p = q;
                                count += 1;
                                if count == min {
                                    least = p;
                                }
                            }
                            _ => break,
                        }
                        charge!(1);
                    }
                    if count < min {
                        ok = false;
                    } else {
                        if min == 0 {
                            least = pos;
                        }
                        if greedy {
                            if p != least {
                                s.stack.push(Entry::Greedy {
                                    pc: pc as u32 + 1,
                                    least,
                                    pos: p,
                                    back,
                                });
                            }
                        } else if count < max {
                            s.stack.push(Entry::Lazy {
                                insn: pc as u32,
                                pos: p,
                                count,
                            });
                        }
                        pos = p;
                        pc += 1;
                    }
                    ok
                }
                Insn::Assert(a) => {
                    pc += 1;
                    self.assert(a, pos)
                }
                Insn::Split { prefer, other } => {
                    s.stack.push(Entry::Branch { pc: other, pos });
                    pc = prefer as usize;
                    true
                }
                Insn::Jump(to) => {
                    pc = to as usize;
                    true
                }
                Insn::Save(slot) => {
                    let old = s.slots[slot as usize];
                    s.stack.push(Entry::Slot { slot, old });
                    s.slots[slot as usize] = pos;
                    pc += 1;
                    true
                }
                Insn::Clear { from, to } => {
                    for slot in from..to {
                        let old = s.slots[slot as usize];
                        if old != UNSET {
                            s.stack.push(Entry::Slot { slot, old });
                            s.slots[slot as usize] = UNSET;
                        }
                    }
                    pc += 1;
                    true
                }
                Insn::BackRef { group, back } => {
                    let (a, b) = (s.slots[2 * group as usize], s.slots[2 * group as usize + 1]);
                    pc += 1;
                    if a == UNSET || b == UNSET {
                        true
                    } else {
                        charge!((b - a) as u64);
                        match self.backref(a, b, pos, back) {
                            Some(p) => {
                                pos = p;
                                true
                            }
                            None => false,
                        }
                    }
                }
                Insn::LookStart { negate, end } => {
                    s.stack.push(Entry::Look { negate, pos, end });
                    pc += 1;
                    true
                }
                Insn::LookEnd => {
                    // The body matched: find where the lookaround began.
                    let m = s
                        .stack
                        .iter()
                        .rposition(|e| matches!(e, Entry::Look { .. }))
                        .unwrap();
                    let Entry::Look {
                        negate,
                        pos: at,
                        end,
                    } = s.stack[m]
                    else {
                        unreachable!()
                    };
                    charge!((s.stack.len() - m) as u64);
                    if negate {
                        // Undo what the body did, then fail.
                        while s.stack.len() > m {
                            self.undo(s.stack.pop().unwrap(), s);
                        }
                        false
                    } else {
                        // Keep the body's captures (and their undos), drop
                        // its alternatives: a lookaround is atomic.
                        let mut w = m;
                        for r in m + 1..s.stack.len() {
                            if matches!(s.stack[r], Entry::Slot { .. } | Entry::Reg { .. }) {
                                s.stack[w] = s.stack[r];
                                w += 1;
                            }
                        }
                        s.stack.truncate(w);
                        pos = at;
                        pc = end as usize;
                        true
                    }
                }
                Insn::Zero { reg } => {
                    self.set_reg(s, reg, 0);
                    pc += 1;
                    true
                }
                Insn::Mark { reg } => {
                    self.set_reg(s, reg, pos);
                    pc += 1;
                    true
                }
                Insn::LoopHead {
                    counter,
                    min,
                    max,
                    greedy,
                    exit,
                } => {
                    let n = s.regs[counter as usize];
                    if n < min as usize {
                        pc += 1;
                    } else if n >= max as usize {
                        pc = exit as usize;
                    } else if greedy {
                        s.stack.push(Entry::Branch { pc: exit, pos });
                        pc += 1;
                    } else {
                        s.stack.push(Entry::Branch {
                            pc: pc as u32 + 1,
                            pos,
                        });
                        pc = exit as usize;
                    }
                    true
                }
                Insn::LoopTail {
                    counter,
                    mark,
                    min,
                    head,
                } => {
                    let n = s.regs[counter as usize];
                    if mark != NO_REG && n >= min as usize && s.regs[mark as usize] == pos {
                        false
                    } else {
                        self.set_reg(s, counter, n + 1);
                        pc = head as usize;
                        true
                    }
                }
                Insn::Progress { reg } => {
                    pc += 1;
                    s.regs[reg as usize] != pos
                }
                Insn::Match => {
                    s.slots[0] = start;
                    s.slots[1] = pos;
                    *fuel = steps;
                    return Ok(true);
                }
            };
            if ok {
                continue;
            }
            // Backtrack to the latest alternative.
            loop {
                let Some(e) = s.stack.pop() else {
                    *fuel = steps;
                    return Ok(false);
                };
                match e {
                    Entry::Branch { pc: p, pos: q } => {
                        pc = p as usize;
                        pos = q;
                        break;
                    }
                    Entry::Look {
                        negate: true,
                        pos: q,
                        end,
                    } => {
                        pc = end as usize;
                        pos = q;
                        break;
                    }
                    Entry::Greedy {
                        pc: p,
                        least,
                        pos: q,
                        back,
                    } => {
                        // Give back one character.
                        let r = if back {
                            self.next(q).map_or(least, |(_, r)| r.min(least))
                        } else {
                            self.prev(q).map_or(least, |(_, r)| r.max(least))
                        };
                        if r != least {
                            s.stack.push(Entry::Greedy {
                                pc: p,
                                least,
                                pos: r,
                                back,
                            });
                        }
                        pc = p as usize;
                        pos = r;
                        break;
                    }
                    Entry::Lazy {
                        insn,
                        pos: q,
                        count,
                    } => {
                        charge!(1);
                        let Insn::Repeat {
                            test, max, back, ..
                        } = insns[insn as usize]
                        else {
                            unreachable!()
                        };
                        if let Some((c, r)) = self.step(q, back)
                            && self.passes(test, c)
                        {
                            if count + 1 < max {
                                s.stack.push(Entry::Lazy {
                                    insn,
                                    pos: r,
                                    count: count + 1,
                                });
                            }
                            pc = insn as usize + 1;
                            pos = r;
                            break;
                        }
                    }
                    other => self.undo(other, s),
                }
            }
        }
    }

    fn set_reg(&self, s: &mut Scratch, reg: u32, value: usize) {
        let old = s.regs[reg as usize];
        s.stack.push(Entry::Reg { reg, old });
        s.regs[reg as usize] = value;
    }

    fn undo(&self, e: Entry, s: &mut Scratch) {
        match e {
            Entry::Slot { slot, old } => s.slots[slot as usize] = old,
            Entry::Reg { reg, old } => s.regs[reg as usize] = old,
            _ => {}
        }
    }
}

/// Searches `text` from `start` (only at `start` when `sticky`): `Ok(true)`
/// with the captures in `scratch.slots`, `Ok(false)` for no match.
#[allow(clippy::too_many_arguments)]
pub fn search<T: Units + ?Sized>(
    prog: &Program,
    groups: u32,
    flags: crate::Flags,
    text: &T,
    start: usize,
    fuel: &mut u64,
    scratch: &mut Scratch,
) -> Result<bool, Exhausted> {
    let m = Matcher {
        prog,
        text,
        unicode: flags.unicode,
        ignore_case: flags.ignore_case,
        multiline: flags.multiline,
        wide_word: flags.unicode && flags.ignore_case,
    };
    scratch.slots.clear();
    scratch.slots.resize(2 * (groups as usize + 1), UNSET);
    scratch.regs.clear();
    scratch.regs.resize(prog.regs as usize, 0);
    let len = text.len();
    let mut at = start;
    while at <= len {
        if !flags.sticky
            && let Some(first) = &prog.first
        {
            // Skip to a position where the first character can match (in
            // u mode a whole character at a time: a match never begins
            // between the halves of a pair).
            while at < len && !first.contains(text.unit(at)) {
                at = m.next(at).map_or(len, |(_, next)| next);
                if *fuel == 0 {
                    return Err(Exhausted);
                }
                *fuel -= 1;
            }
            if at == len {
                return Ok(false);
            }
        }
        if m.run(at, fuel, scratch)? {
            return Ok(true);
        }
        if flags.sticky || prog.anchored {
            return Ok(false);
        }
        at = match m.next(at) {
            Some((_, next)) => next,
            None => break,
        };
    }
    Ok(false)
}
