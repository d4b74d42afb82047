//! Emission: instructions with their spans, jump patching, the constant
//! pool, constant folding and jump threading.

use super::*;
use crate::ast::*;
use crate::bytecode::*;
use crate::diag::Diagnostic;
use crate::source::Span;

pub(super) fn fold(e: &Expr) -> Option<Lit> {
    match &e.kind {
        ExprKind::Num(n) => Some(Lit::Num(*n)),
        ExprKind::Str(s) => Some(Lit::Str(s.clone())),
        ExprKind::Unary(UnaryOp::Neg, x) => match fold(x)? {
            Lit::Num(n) => Some(Lit::Num(-n)),
            Lit::Str(_) => None,
        },
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (fold(a)?, fold(b)?);
            match (a, b) {
                (Lit::Num(a), Lit::Num(b)) => Some(Lit::Num(match op {
                    BinaryOp::Add => a + b,
                    BinaryOp::Sub => a - b,
                    BinaryOp::Mul => a * b,
                    BinaryOp::Div => a / b,
                    BinaryOp::Mod => semantics::number::js_rem(a, b),
                    BinaryOp::Pow => semantics::number::js_pow(a, b),
                    _ => return None,
                })),
                (Lit::Str(a), Lit::Str(b)) if *op == BinaryOp::Add => Some(Lit::Str(a + &b)),
                _ => None,
            }
        }
        _ => None,
    }
}

pub(super) fn is_small_int(n: f64) -> bool {
    n.fract() == 0.0 && n.abs() < 1e9 && !(n == 0.0 && n.is_sign_negative())
}

/// Jump threading, once per finished function: a jump to an unconditional
/// jump goes straight to its target, and an unconditional jump to `Return`
/// is a `Return` (the `n` branch of `n < 2 ? n : …` saves a dispatch).
pub(super) fn thread_jumps(code: &mut [Op]) {
    for pc in 0..code.len() {
        let Some(&mut Label(first)) = code[pc].jump_target_mut() else {
            continue;
        };
        let mut target = first as usize;
        // Bounded: `for (;;) {}` is a jump to itself.
        for _ in 0..8 {
            match code.get(target) {
                Some(&Op::Jump(Label(next))) => target = next as usize,
                _ => break,
            }
        }
        if matches!(code[pc], Op::Jump(_)) && code.get(target) == Some(&Op::Return) {
            code[pc] = Op::Return;
        } else if let Some(l) = code[pc].jump_target_mut() {
            *l = Label(target as u32);
        }
    }
}

impl Compiler {
    pub(super) fn f(&mut self) -> &mut FnState {
        self.fns.last_mut().unwrap()
    }

    pub(super) fn emit(&mut self, op: Op) -> usize {
        let f = self.fns.last_mut().unwrap();
        let pc = f.proto.code.len();
        if op == Op::Pop && pc > f.last_target {
            if let Some(Op::StoreLocal(s)) = f.proto.code.last() {
                let s = *s;
                *f.proto.code.last_mut().unwrap() = Op::StoreLocalPop(s);
                return pc - 1;
            }
        }
        // A plain call `f(x)` loads its callee, then `undefined` for `this`:
        // one dispatch instead of two (docs/ARCHITECTURE.md, *Measured choices*).
        if op == Op::Undef && pc > f.last_target {
            let fused = match f.proto.code.last() {
                Some(&Op::LoadUpval(i)) => Some(Op::LoadUpvalUndef(i)),
                Some(&Op::LoadSelf) => Some(Op::LoadSelfUndef),
                Some(&Op::LoadLocal(s)) => Some(Op::LoadLocalUndef(s)),
                Some(&Op::LoadGlobal(n)) => Some(Op::LoadGlobalUndef(n)),
                _ => None,
            };
            if let Some(fused) = fused {
                *f.proto.code.last_mut().unwrap() = fused;
                return pc - 1;
            }
        }
        f.proto.code.push(op);
        f.proto.spans.push(f.span);
        pc
    }

    pub(super) fn here(&mut self) -> Label {
        let f = self.f();
        let pc = f.proto.code.len();
        f.last_target = pc;
        Label(pc as u32)
    }

    pub(super) fn patch(&mut self, at: usize) {
        let target = self.here();
        self.patch_to(at, target);
    }

    pub(super) fn patch_to(&mut self, at: usize, target: Label) {
        match self.f().proto.code[at].jump_target_mut() {
            Some(l) => *l = target,
            None => unreachable!("patching a non-jump"),
        }
    }

    pub(super) const PENDING: Label = Label(u32::MAX);

    /// [v] → returns v: a generator's return ends it (`{ value, done: true }`).
    pub(super) fn emit_return(&mut self) {
        match (self.f().generator, self.f().async_catch) {
            (Some(slot), Some(_)) => self.emit(Op::AsyncReturn(Slot(slot))),
            (Some(slot), None) => self.emit(Op::GenReturn(Slot(slot))),
            (None, _) => self.emit(Op::Return),
        };
    }

    pub(super) fn name(&mut self, s: &str) -> Name {
        if s.starts_with('#') {
            let private = self.private_key(s);
            return self.name_plain(&private);
        }
        self.name_plain(s)
    }

    /// A `#private` name as the property key of the innermost class that
    /// declares it (the parser has checked one does).
    pub(super) fn private_key(&self, s: &str) -> String {
        match self
            .privates
            .iter()
            .rev()
            .find(|(names, _)| names.iter().any(|n| n == s))
        {
            Some((_, at)) => format!("{s}@{at}"),
            None => s.to_string(),
        }
    }

    fn name_plain(&mut self, s: &str) -> Name {
        if let Some(&i) = self.name_map.get(s) {
            return Name(i);
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_string());
        self.name_map.insert(s.to_string(), i);
        Name(i)
    }

    pub(super) fn num_const(&mut self, n: f64) -> ConstIdx {
        let f = self.f();
        let key = n.to_bits();
        if let Some(&i) = f.const_nums.get(&key) {
            return ConstIdx(i);
        }
        let i = f.proto.consts.len() as u32;
        f.proto.consts.push(Constant::Num(n));
        f.const_nums.insert(key, i);
        ConstIdx(i)
    }

    pub(super) fn str_const(&mut self, s: &str) -> ConstIdx {
        let f = self.f();
        if let Some(&i) = f.const_strs.get(s) {
            return ConstIdx(i);
        }
        let i = f.proto.consts.len() as u32;
        f.proto.consts.push(Constant::Str(s.to_string()));
        f.const_strs.insert(s.to_string(), i);
        ConstIdx(i)
    }

    pub(super) fn emit_num(&mut self, n: f64) {
        if is_small_int(n) {
            self.emit(Op::Int(n as i32));
        } else {
            let c = self.num_const(n);
            self.emit(Op::Const(c));
        }
    }

    /// Reports an error once: two checks may find the same fault.
    pub(super) fn error(&mut self, msg: impl Into<String>, span: Span) {
        let d = Diagnostic::new(msg, span);
        if !self
            .diags
            .iter()
            .any(|x| x.span == d.span && x.message == d.message)
        {
            self.diags.push(d);
        }
    }

    pub(super) fn with_span<T>(&mut self, span: Span, body: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.f().span, span);
        let r = body(self);
        self.f().span = saved;
        r
    }
}
