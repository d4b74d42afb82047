//! Where a run is: stack traces (`at fn (file:line:col)`), and the names
//! errors give to what failed (`x is not defined`, `a.b is not a function`).

use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::state::Vm;
use crate::value::{Atom, Value};

impl Vm {
    /// `    at fn (file:line:col)` for every frame, innermost first.
    pub fn trace(&self) -> String {
        let mut out = String::new();
        // A run of identical frames (recursion from one call site) is
        // written up to `SHOWN` times, then counted: a stack overflow wrote
        // 2,000 lines per request.
        const SHOWN: usize = 3;
        let mut last = String::new();
        let mut repeats = 0usize;
        let flush = |out: &mut String, last: &str, repeats: usize| {
            if repeats > SHOWN {
                let name = last.trim_start().trim_start_matches("at ");
                let name = name.split(" (").next().unwrap_or(name);
                out.push_str(&format!(
                    "\n    … {} more frames of {name}",
                    repeats - SHOWN
                ));
            }
        };
        for f in self.frames.iter().rev() {
            let pc = (f.pc as usize)
                .saturating_sub(1)
                .min(f.func().spans.len().saturating_sub(1));
            let span = f.func().spans.get(pc).copied().unwrap_or_default();
            let name = if f.func().name.is_empty() {
                "<anonymous>"
            } else {
                &f.func().name
            };
            let line = if f.func().step.is_some() {
                // A built-in of the VM's own (stepper.rs) has no source.
                format!("\n    at {name} (native)")
            } else {
                format!("\n    at {} ({})", name, f.func().source.location(span))
            };
            if line == last {
                repeats += 1;
                if repeats <= SHOWN {
                    out.push_str(&line);
                }
                continue;
            }
            flush(&mut out, &last, repeats);
            out.push_str(&line);
            last = line;
            repeats = 1;
        }
        flush(&mut out, &last, repeats);
        out
    }

    #[cold]
    pub(crate) fn not_defined(&self, a: Atom) -> Interrupt {
        Interrupt::error(
            ErrorKind::ReferenceError,
            format!("{} is not defined", self.heap.atom_str(a)),
        )
    }

    /// Reading or writing a `let`/`const`/`class` before its declaration ran.
    #[cold]
    pub(crate) fn uninitialised(&self, a: Atom) -> Interrupt {
        let name = self.heap.atom_str(a);
        let message = if name == "%this" {
            "Must call super constructor in derived class before accessing 'this' or returning from derived constructor".to_string()
        } else {
            format!("Cannot access '{name}' before initialization")
        };
        Interrupt::error(ErrorKind::ReferenceError, message)
    }

    #[cold]
    pub(crate) fn not_a_function(&self) -> Interrupt {
        let text = self.callee_text();
        self.type_error(format!("{text} is not a function"))
    }

    /// Source text of the callee of the call being executed, for messages.
    pub(crate) fn callee_text(&self) -> String {
        let Some(f) = self.frames.last() else {
            return "value".into();
        };
        let span = f.func().spans[(f.pc as usize).saturating_sub(1)];
        let text = f
            .func()
            .source
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("value");
        let mut text = text.trim();
        if text.starts_with("new ") {
            text = text[4..].trim_start();
        }
        if text.ends_with(')') {
            let mut depth = 0;
            for (i, c) in text.char_indices().rev() {
                match c {
                    ')' => depth += 1,
                    '(' => {
                        depth -= 1;
                        if depth == 0 {
                            text = text[..i].trim_end().trim_end_matches("?.");
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        if text.chars().count() > 40 {
            format!("{}…", text.chars().take(40).collect::<String>())
        } else {
            text.to_string()
        }
    }

    pub fn type_error(&self, msg: impl Into<String>) -> Interrupt {
        Interrupt::error(ErrorKind::TypeError, msg.into())
    }
}

impl Vm {
    /// A new Error object of `kind` with `message`, its stack taken from the
    /// current frames. Error objects are small; when even that fails the
    /// budget is lifted for it so the error can still be reported.
    pub fn make_error(&mut self, kind: ErrorKind, message: &str) -> Value {
        let trace = self.trace();
        self.charge_trace();
        let proto = self.realm.error_protos[kind as usize];
        self.build_error(proto, kind.name(), message, &trace)
    }

    pub(crate) fn build_error(
        &mut self,
        proto: super::value::ObjId,
        name: &str,
        message: &str,
        trace: &str,
    ) -> Value {
        let limit = self.heap.limit;
        self.heap.limit = usize::MAX;
        let o = self
            .heap
            .alloc(Class::Error, Some(proto))
            .expect("budget lifted");
        let msg = self.heap.alloc_str(message).expect("budget lifted");
        let header = if message.is_empty() {
            name.to_string()
        } else {
            format!("{name}: {message}")
        };
        let stack = self
            .heap
            .alloc_str_parts(&[&header, trace])
            .expect("budget lifted");
        let (m, s) = (self.atoms.message, self.atoms.stack);
        let e = self.heap.obj_mut(o);
        e.push_prop(m, msg, crate::attrs::METHOD);
        e.push_prop(s, stack, crate::attrs::METHOD);
        self.heap.limit = limit;
        Value::Obj(o)
    }

    pub fn is_error(&self, v: Value) -> bool {
        matches!(v, Value::Obj(o) if self.heap.obj(o).class == Class::Error)
    }
}
