//! `Node` tree → program: the instructions the backtracking matcher runs.
//! Lookbehinds are compiled to match right to left; case-insensitive
//! characters and sets become the sets of their case equivalents.

use crate::ast::{Assertion, Node};
use crate::charset::{CharSet, CompiledSet};
use crate::unicode;

/// How one character is tested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Test {
    Char(u32),
    /// In `Program::sets[i]`.
    Set(u32),
    /// Not in `Program::sets[i]`.
    NotSet(u32),
    Any,
    /// Anything but a line terminator.
    NotNewline,
}

/// One instruction. `back` means right to left (inside a lookbehind).
#[derive(Clone, Copy, Debug)]
pub enum Insn {
    /// Consume one character passing the test.
    Consume {
        test: Test,
        back: bool,
    },
    /// A single-character loop: take as many (greedy) or as few (lazy) as
    /// may be, then give back or take more one at a time on backtracking.
    Repeat {
        test: Test,
        min: u32,
        max: u32,
        greedy: bool,
        back: bool,
    },
    Assert(Assertion),
    /// Go on at `prefer`; backtracking resumes at `other`.
    Split {
        prefer: u32,
        other: u32,
    },
    Jump(u32),
    /// Capture slot `slot` (2 per group: start, end) = the position.
    Save(u32),
    /// Capture slots `from..to` = unset (a quantified group's captures
    /// start each iteration empty).
    Clear {
        from: u32,
        to: u32,
    },
    BackRef {
        group: u32,
        back: bool,
    },
    /// Start of a lookaround whose body ends in `LookEnd`; `end` is the
    /// instruction after it.
    LookStart {
        negate: bool,
        end: u32,
    },
    LookEnd,
    /// `regs[reg]` = 0 (a counted loop's counter).
    Zero {
        reg: u32,
    },
    /// Head of a counted loop: below `min` iterations enter the body
    /// (next instruction), at `max` leave to `exit`, else both in order.
    LoopHead {
        counter: u32,
        min: u32,
        max: u32,
        greedy: bool,
        exit: u32,
    },
    /// `regs[reg]` = the position (where an iteration began).
    Mark {
        reg: u32,
    },
    /// End of a counted loop's body: fail an empty iteration past `min`
    /// (when `mark` is not `NO_REG`), count it, go back to `head`.
    LoopTail {
        counter: u32,
        mark: u32,
        min: u32,
        head: u32,
    },
    /// Fail if the position is `regs[reg]` (an empty iteration of a loop
    /// without a minimum).
    Progress {
        reg: u32,
    },
    Match,
}

pub const NO_REG: u32 = u32::MAX;

/// A compiled pattern.
#[derive(Debug)]
pub struct Program {
    pub insns: Vec<Insn>,
    pub sets: Vec<CompiledSet>,
    /// Registers the loops use.
    pub regs: u32,
    /// Whether every match must begin at the start of the input.
    pub anchored: bool,
    /// The code units a match can begin with, when that is known.
    pub first: Option<CompiledSet>,
}

struct Compiler {
    insns: Vec<Insn>,
    sets: Vec<CompiledSet>,
    regs: u32,
    unicode: bool,
    ignore_case: bool,
    dot_all: bool,
}

pub fn compile(
    node: &Node,
    unicode: bool,
    ignore_case: bool,
    multiline: bool,
    dot_all: bool,
) -> Program {
    let mut c = Compiler {
        insns: Vec::new(),
        sets: Vec::new(),
        regs: 0,
        unicode,
        ignore_case,
        dot_all,
    };
    c.node(node, false);
    c.insns.push(Insn::Match);
    let first = first_units(node, unicode, ignore_case, dot_all).map(|set| CompiledSet::new(&set));
    Program {
        insns: c.insns,
        sets: c.sets,
        regs: c.regs,
        anchored: !multiline && starts_anchored(node),
        first,
    }
}

fn starts_anchored(node: &Node) -> bool {
    match node {
        Node::Assert(Assertion::Start) => true,
        Node::Concat(nodes) => nodes.first().is_some_and(starts_anchored),
        Node::Capture { node, .. } => starts_anchored(node),
        Node::Alt(nodes) => nodes.iter().all(starts_anchored),
        _ => false,
    }
}

/// The set of characters a node matches as one character, folded for
/// case when the pattern ignores it.
fn char_set(
    node: &Node,
    unicode: bool,
    ignore_case: bool,
    dot_all: bool,
) -> Option<(CharSet, bool)> {
    let (set, negated) = match node {
        Node::Char(c) => (CharSet::single(*c), false),
        Node::Set { set, negated } => (set.clone(), *negated),
        Node::Dot if dot_all => (CharSet::from_ranges([(0, crate::charset::MAX_CHAR)]), false),
        Node::Dot => (
            CharSet::from_ranges([(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)]),
            true,
        ),
        _ => return None,
    };
    let set = if ignore_case && !matches!(node, Node::Dot) {
        unicode::case_closure(&set, unicode)
    } else {
        set
    };
    Some((set, negated))
}

/// The code units any match of `node` begins with, or `None` when it may
/// match empty or the analysis gives up.
fn first_units(node: &Node, unicode: bool, ignore_case: bool, dot_all: bool) -> Option<CharSet> {
    match node {
        Node::Char(_) | Node::Set { .. } | Node::Dot => {
            let (set, negated) = char_set(node, unicode, ignore_case, dot_all)?;
            let set = if negated { set.complement() } else { set };
            // A code point past U+FFFF begins with its high surrogate.
            let mut units = CharSet::new();
            for &(lo, hi) in set.ranges() {
                if lo <= 0xFFFF {
                    units.push(lo, hi.min(0xFFFF));
                }
                if hi > 0xFFFF {
                    units.push(0xD800, 0xDBFF);
                }
            }
            units.normalize();
            Some(units)
        }
        Node::Capture { node, .. } => first_units(node, unicode, ignore_case, dot_all),
        Node::Repeat { node, min, .. } if *min > 0 => {
            first_units(node, unicode, ignore_case, dot_all)
        }
        Node::Concat(nodes) => {
            // Skip leading nodes that match empty only without consuming
            // anything observable: none here but the first consuming one.
            let first = nodes.first()?;
            if first.can_be_empty() {
                return None;
            }
            first_units(first, unicode, ignore_case, dot_all)
        }
        Node::Alt(nodes) => {
            let mut all = CharSet::new();
            for n in nodes {
                all.add_set(&first_units(n, unicode, ignore_case, dot_all)?);
            }
            Some(all)
        }
        _ => None,
    }
}

impl Compiler {
    fn pc(&self) -> u32 {
        self.insns.len() as u32
    }

    fn emit(&mut self, insn: Insn) -> u32 {
        self.insns.push(insn);
        self.pc() - 1
    }

    fn reg(&mut self) -> u32 {
        self.regs += 1;
        self.regs - 1
    }

    fn test(&mut self, node: &Node) -> Option<Test> {
        let (set, negated) = char_set(node, self.unicode, self.ignore_case, self.dot_all)?;
        if matches!(node, Node::Dot) {
            return Some(if self.dot_all {
                Test::Any
            } else {
                Test::NotNewline
            });
        }
        if !negated && let Some(c) = set.as_single() {
            return Some(Test::Char(c));
        }
        let index = self.sets.len() as u32;
        self.sets.push(CompiledSet::new(&set));
        Some(if negated {
            Test::NotSet(index)
        } else {
            Test::Set(index)
        })
    }

    fn node(&mut self, node: &Node, back: bool) {
        match node {
            Node::Empty => {}
            Node::Char(_) | Node::Set { .. } | Node::Dot => {
                let test = self.test(node).unwrap();
                self.emit(Insn::Consume { test, back });
            }
            Node::Assert(a) => {
                self.emit(Insn::Assert(*a));
            }
            Node::Capture { index, node } => {
                let (open, close) = (2 * index, 2 * index + 1);
                self.emit(Insn::Save(if back { close } else { open }));
                self.node(node, back);
                self.emit(Insn::Save(if back { open } else { close }));
            }
            Node::Look {
                ahead,
                negate,
                node,
            } => {
                let start = self.emit(Insn::LookStart {
                    negate: *negate,
                    end: 0,
                });
                self.node(node, !ahead);
                self.emit(Insn::LookEnd);
                let end = self.pc();
                self.insns[start as usize] = Insn::LookStart {
                    negate: *negate,
                    end,
                };
            }
            Node::BackRef(group) => {
                self.emit(Insn::BackRef {
                    group: *group,
                    back,
                });
            }
            Node::Concat(nodes) => {
                if back {
                    for n in nodes.iter().rev() {
                        self.node(n, back);
                    }
                } else {
                    for n in nodes {
                        self.node(n, back);
                    }
                }
            }
            Node::Alt(nodes) => {
                // Split(a, next) a Jump(end) Split(b, next) b Jump(end) … z
                let mut jumps = Vec::new();
                for (i, n) in nodes.iter().enumerate() {
                    if i + 1 < nodes.len() {
                        let split = self.emit(Insn::Split {
                            prefer: 0,
                            other: 0,
                        });
                        self.node(n, back);
                        jumps.push(self.emit(Insn::Jump(0)));
                        let other = self.pc();
                        self.insns[split as usize] = Insn::Split {
                            prefer: split + 1,
                            other,
                        };
                    } else {
                        self.node(n, back);
                    }
                }
                let end = self.pc();
                for j in jumps {
                    self.insns[j as usize] = Insn::Jump(end);
                }
            }
            Node::Repeat {
                node,
                min,
                max,
                greedy,
            } => self.repeat(node, *min, *max, *greedy, back),
        }
    }

    fn repeat(&mut self, node: &Node, min: u32, max: u32, greedy: bool, back: bool) {
        if max == 0 {
            return;
        }
        if let Some(test) = self.test(node) {
            self.emit(Insn::Repeat {
                test,
                min,
                max,
                greedy,
                back,
            });
            return;
        }
        let empty = node.can_be_empty();
        let clear = node.capture_range().map(|(lo, hi)| Insn::Clear {
            from: 2 * lo,
            to: 2 * hi + 2,
        });
        if min == 0 && (max == 1 || max == u32::MAX) {
            // x* : L: Split(B, X) B: [Mark] [Clear] x [Progress] Jump L X:
            // x? : the same without the jump back.
            let head = self.emit(Insn::Split {
                prefer: 0,
                other: 0,
            });
            let mark = empty.then(|| self.reg());
            if let Some(reg) = mark {
                self.emit(Insn::Mark { reg });
            }
            if let Some(c) = clear {
                self.emit(c);
            }
            self.node(node, back);
            if let Some(reg) = mark {
                self.emit(Insn::Progress { reg });
            }
            if max == u32::MAX {
                self.emit(Insn::Jump(head));
            }
            let exit = self.pc();
            self.insns[head as usize] = if greedy {
                Insn::Split {
                    prefer: head + 1,
                    other: exit,
                }
            } else {
                Insn::Split {
                    prefer: exit,
                    other: head + 1,
                }
            };
            return;
        }
        if min == 1 && max == u32::MAX && !empty {
            // x+ : B: [Clear] x Split(B, X) X:
            let body = self.pc();
            if let Some(c) = clear {
                self.emit(c);
            }
            self.node(node, back);
            let exit = self.pc() + 1;
            self.emit(if greedy {
                Insn::Split {
                    prefer: body,
                    other: exit,
                }
            } else {
                Insn::Split {
                    prefer: exit,
                    other: body,
                }
            });
            return;
        }
        let counter = self.reg();
        let mark = if empty {
            self.reg()
        } else {
            crate::compile::NO_REG
        };
        self.emit(Insn::Zero { reg: counter });
        let head = self.emit(Insn::LoopHead {
            counter,
            min,
            max,
            greedy,
            exit: 0,
        });
        if mark != NO_REG {
            self.emit(Insn::Mark { reg: mark });
        }
        if let Some(c) = clear {
            self.emit(c);
        }
        self.node(node, back);
        self.emit(Insn::LoopTail {
            counter,
            mark,
            min,
            head,
        });
        let exit = self.pc();
        self.insns[head as usize] = Insn::LoopHead {
            counter,
            min,
            max,
            greedy,
            exit,
        };
    }
}
