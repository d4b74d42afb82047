//! Binding patterns: declaring their names and destructuring a value
//! into them.

use super::*;
use crate::ast::*;
use crate::bytecode::*;
use crate::resolve::pattern_names;
use crate::source::Span;

impl Compiler {
    /// Declares a pattern's names in the current scope (loop heads, catch, params).
    pub(super) fn declare_pattern(&mut self, p: &Pattern, is_const: bool) {
        let mut names = Vec::new();
        pattern_names(p, &mut names);
        for (n, s) in names {
            self.declare(&n, s.start, is_const, s);
        }
    }

    /// Binds or assigns one name from the value on top of the stack: [v] → [].
    pub(super) fn bind_name(&mut self, name: &str, span: Span, declaring: bool) {
        if declaring {
            if let Some(b) = self
                .f()
                .scopes
                .last()
                .and_then(|s| s.bindings.iter().rev().find(|b| b.name == name))
                .cloned()
            {
                self.init_binding(&b);
                return;
            }
            if let Some(b) = Self::find_local(self.fns.last().unwrap(), name) {
                self.init_binding(&b);
                return;
            }
        }
        self.store_var(name, span);
        self.emit(Op::Pop);
    }

    /// Destructures the value on top of the stack into a pattern: [v] → [].
    pub(super) fn destructure(&mut self, p: &Pattern, declaring: bool) {
        match p {
            Pattern::Ident(n, s) => self.bind_name(n, *s, declaring),
            Pattern::Expr(e) => {
                self.push_scope();
                let tmp = self.temp();
                self.emit(Op::StoreLocalPop(Slot(tmp)));
                match &e.kind {
                    ExprKind::Member { object, name, .. } => {
                        self.expr(object);
                        self.emit(Op::LoadLocal(Slot(tmp)));
                        let n = self.name(name);
                        self.emit(Op::SetField(n));
                    }
                    ExprKind::Index { object, index, .. } => {
                        self.expr(object);
                        self.expr(index);
                        self.emit(Op::LoadLocal(Slot(tmp)));
                        self.emit(Op::SetIndex);
                    }
                    _ => self.error("invalid assignment target", e.span),
                }
                self.emit(Op::Pop);
                self.pop_scope();
            }
            Pattern::Object { props, rest, .. } => {
                self.push_scope();
                let mut key_slots = Vec::new();
                for pp in props {
                    self.emit(Op::Dup);
                    match &pp.key {
                        // `{ 0: v } = array` reads an element.
                        PropKey::Name(k) if array_index(k).is_some() => {
                            self.emit(Op::Int(array_index(k).unwrap()));
                            self.emit(Op::GetIndex);
                        }
                        PropKey::Name(k) => {
                            let n = self.name(k);
                            self.emit(Op::GetField(n));
                        }
                        PropKey::Computed(k) => {
                            self.expr(k);
                            if rest.is_some() {
                                let t = self.temp();
                                self.emit(Op::StoreLocal(Slot(t)));
                                key_slots.push(t);
                            }
                            self.emit(Op::GetIndex);
                        }
                    }
                    if let Some(d) = &pp.default {
                        let j = self.emit(Op::JumpIfNotUndefined(Self::PENDING));
                        let hint = if let Pattern::Ident(n, _) = &pp.value {
                            n.clone()
                        } else {
                            String::new()
                        };
                        self.expr_named(d, &hint);
                        self.patch(j);
                    }
                    self.destructure(&pp.value, declaring);
                }
                if let Some(r) = rest {
                    let mut count = 0;
                    for pp in props {
                        if let PropKey::Name(k) = &pp.key {
                            let c = self.str_const(k);
                            self.emit(Op::Const(c));
                            count += 1;
                        }
                    }
                    for t in key_slots {
                        self.emit(Op::LoadLocal(Slot(t)));
                        count += 1;
                    }
                    if count > u8::MAX as usize {
                        self.error("too many properties before a rest pattern", p.span());
                    }
                    self.emit(Op::ObjectRest(count as u8));
                    self.destructure(r, declaring);
                } else if props.is_empty() {
                    // `{} = v` still refuses null and undefined.
                    self.emit(Op::ObjectRest(0));
                    self.emit(Op::Pop);
                } else {
                    self.emit(Op::Pop);
                }
                self.pop_scope();
            }
            Pattern::Array { elems, rest, .. } => {
                // Any iterable, taking only the values the pattern needs.
                let want = if rest.is_some() {
                    u32::MAX
                } else {
                    elems.len() as u32
                };
                self.emit(Op::ToArray(want));
                for (i, el) in elems.iter().enumerate() {
                    let Some(el) = el else { continue };
                    self.emit(Op::Dup);
                    self.emit(Op::Int(i as i32));
                    self.emit(Op::GetIndex);
                    if let Some(d) = &el.default {
                        let j = self.emit(Op::JumpIfNotUndefined(Self::PENDING));
                        let hint = if let Pattern::Ident(n, _) = &el.pattern {
                            n.as_str()
                        } else {
                            ""
                        };
                        self.expr_named(d, hint);
                        self.patch(j);
                    }
                    self.destructure(&el.pattern, declaring);
                }
                if let Some(r) = rest {
                    self.emit(Op::ArrayRest(elems.len() as u32));
                    self.destructure(r, declaring);
                } else {
                    self.emit(Op::Pop);
                }
            }
        }
    }
}

/// The index a key like `"0"` or `"42"` names (canonical digits, within
/// what `Op::Int` holds); None for other keys.
fn array_index(k: &str) -> Option<i32> {
    let canonical =
        !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) && (k == "0" || !k.starts_with('0'));
    if canonical { k.parse().ok() } else { None }
}
