//! A parsed pattern: the tree the compiler turns into a program.

use crate::charset::CharSet;

/// What a zero-width assertion tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assertion {
    /// `^`: the start of the input (or of a line, multiline).
    Start,
    /// `$`: the end of the input (or of a line, multiline).
    End,
    /// `\b`.
    WordBoundary,
    /// `\B`.
    NotWordBoundary,
}

/// One node of a pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Matches the empty string.
    Empty,
    /// One character (a code point in `u` mode, a code unit otherwise).
    Char(u32),
    /// One character in (or, negated, not in) a set.
    Set {
        set: CharSet,
        negated: bool,
    },
    /// `.`: any character but a line terminator (any at all with `s`).
    Dot,
    Assert(Assertion),
    /// A capturing group; `index` counts from 1.
    Capture {
        index: u32,
        node: Box<Node>,
    },
    /// `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`.
    Look {
        ahead: bool,
        negate: bool,
        node: Box<Node>,
    },
    /// `\1` or `\k<name>` (resolved to its number).
    BackRef(u32),
    /// `node{min,max}`; `max` is `u32::MAX` for no upper bound.
    Repeat {
        node: Box<Node>,
        min: u32,
        max: u32,
        greedy: bool,
    },
    Concat(Vec<Node>),
    Alt(Vec<Node>),
}

impl Node {
    /// Whether this node can match without consuming a character.
    pub fn can_be_empty(&self) -> bool {
        match self {
            Node::Empty | Node::Assert(_) | Node::Look { .. } | Node::BackRef(_) => true,
            Node::Char(_) | Node::Set { .. } | Node::Dot => false,
            Node::Capture { node, .. } => node.can_be_empty(),
            Node::Repeat { node, min, .. } => *min == 0 || node.can_be_empty(),
            Node::Concat(nodes) => nodes.iter().all(Node::can_be_empty),
            Node::Alt(nodes) => nodes.iter().any(Node::can_be_empty),
        }
    }

    /// The lowest and highest capture numbers inside this node, if any.
    pub fn capture_range(&self) -> Option<(u32, u32)> {
        let mut range: Option<(u32, u32)> = None;
        self.visit_captures(&mut |i| {
            range = Some(match range {
                Some((lo, hi)) => (lo.min(i), hi.max(i)),
                None => (i, i),
            })
        });
        range
    }

    fn visit_captures(&self, f: &mut impl FnMut(u32)) {
        match self {
            Node::Capture { index, node } => {
                f(*index);
                node.visit_captures(f);
            }
            Node::Look { node, .. } | Node::Repeat { node, .. } => node.visit_captures(f),
            Node::Concat(nodes) | Node::Alt(nodes) => {
                for n in nodes {
                    n.visit_captures(f);
                }
            }
            _ => {}
        }
    }
}
