//! Expressions: literals, names, operators (with short circuits and
//! superinstructions), assignment, updates and calls.

use super::*;
use crate::ast::*;
use crate::bytecode::*;
use crate::source::Span;
use semantics::stack::grow;

pub(super) fn binary_op(op: BinaryOp) -> Op {
    match op {
        BinaryOp::Add => Op::Add,
        BinaryOp::Sub => Op::Sub,
        BinaryOp::Mul => Op::Mul,
        BinaryOp::Div => Op::Div,
        BinaryOp::Mod => Op::Mod,
        BinaryOp::Pow => Op::Pow,
        BinaryOp::Eq => Op::Eq,
        BinaryOp::Ne => Op::Ne,
        BinaryOp::StrictEq => Op::StrictEq,
        BinaryOp::StrictNe => Op::StrictNe,
        BinaryOp::Lt => Op::Lt,
        BinaryOp::Le => Op::Le,
        BinaryOp::Gt => Op::Gt,
        BinaryOp::Ge => Op::Ge,
        BinaryOp::BitAnd => Op::BitAnd,
        BinaryOp::BitOr => Op::BitOr,
        BinaryOp::BitXor => Op::BitXor,
        BinaryOp::Shl => Op::Shl,
        BinaryOp::Shr => Op::Shr,
        BinaryOp::UShr => Op::UShr,
        BinaryOp::In => Op::In,
        BinaryOp::Instanceof => Op::InstanceOf,
    }
}

pub(super) fn logical_jump(op: LogicalOp) -> Op {
    match op {
        LogicalOp::And => Op::JumpIfFalseKeep(Compiler::PENDING),
        LogicalOp::Or => Op::JumpIfTrueKeep(Compiler::PENDING),
        LogicalOp::Nullish => Op::JumpIfNotNullishKeep(Compiler::PENDING),
    }
}

impl Compiler {
    pub(super) fn expr(&mut self, e: &Expr) {
        self.expr_named(e, "");
    }

    /// Compiles an expression; anonymous functions take `name` (as `const f = () => …` does).
    pub(super) fn expr_named(&mut self, e: &Expr, name: &str) {
        grow(|| self.with_span(e.span, |c| c.expr_inner(e, name)));
    }

    pub(super) fn expr_inner(&mut self, e: &Expr, name: &str) {
        match &e.kind {
            ExprKind::Undefined => {
                self.emit(Op::Undef);
            }
            ExprKind::Null => {
                self.emit(Op::Null);
            }
            ExprKind::Bool(b) => {
                self.emit(if *b { Op::True } else { Op::False });
            }
            ExprKind::Num(n) => self.emit_num(*n),
            ExprKind::Str(s) => {
                let c = self.str_const(s);
                self.emit(Op::Const(c));
            }
            ExprKind::RegExp { pattern, flags } => {
                let (p, f) = (self.str_const(pattern), self.str_const(flags));
                self.emit(Op::RegExp(p, f));
            }
            ExprKind::Template { quasis, exprs } => {
                let mut parts = 0;
                for (i, q) in quasis.iter().enumerate() {
                    if !q.is_empty() {
                        let c = self.str_const(q);
                        self.emit(Op::Const(c));
                        parts += 1;
                    }
                    if let Some(x) = exprs.get(i) {
                        self.expr(x);
                        parts += 1;
                    }
                }
                if parts == 0 {
                    let c = self.str_const("");
                    self.emit(Op::Const(c));
                } else if parts > u16::MAX as usize {
                    self.error("template literal has too many parts", e.span);
                } else {
                    self.emit(Op::Concat(parts as u16));
                }
            }
            ExprKind::Ident(n) => self.ident(n, e.span.start),
            ExprKind::This => {
                let top = self.fns.len() - 1;
                if Self::find_local(&self.fns[top], "this").is_some()
                    || self.fns[top].proto.is_arrow
                {
                    self.load_var("this", u32::MAX);
                } else {
                    self.emit(Op::LoadThis);
                }
            }
            ExprKind::Array(items) => {
                self.emit(Op::NewArray(items.len() as u32));
                // After a hole the array is sparse: its pushes take the
                // slower op, so `ArrayPush` never checks.
                let mut sparse = false;
                for it in items {
                    match it {
                        ArrayElem::Expr(x) => {
                            self.expr(x);
                            self.emit(if sparse {
                                Op::ArrayPushSparse
                            } else {
                                Op::ArrayPush
                            });
                        }
                        ArrayElem::Spread(x) => {
                            self.expr(x);
                            self.emit(Op::ArraySpread);
                        }
                        ArrayElem::Hole => {
                            sparse = true;
                            self.emit(Op::ArrayHole);
                        }
                    }
                }
            }
            ExprKind::Object(props) => {
                self.emit(Op::NewObject(props.len() as u32));
                let mut proto_seen = false;
                for p in props {
                    match p {
                        Prop::Proto(x) => {
                            if std::mem::replace(&mut proto_seen, true) {
                                self.error("duplicate `__proto__` in an object literal", x.span);
                            }
                            self.expr(x);
                            self.emit(Op::InitProto);
                        }
                        Prop::Init {
                            key: PropKey::Name(k),
                            value,
                        } => {
                            self.expr_named(value, k);
                            self.set_home(value, 1);
                            let n = self.name(k);
                            self.emit(Op::InitField(n));
                        }
                        Prop::Init {
                            key: key @ PropKey::Computed(_),
                            value,
                        } => {
                            self.member_key_and_value(key, value, "");
                            self.set_home(value, 2);
                            self.emit(Op::InitIndex);
                        }
                        Prop::Spread(x) => {
                            self.expr(x);
                            self.emit(Op::ObjectSpread);
                        }
                        Prop::Accessor { key, setter, value } => {
                            let prefix = if *setter { "set " } else { "get " };
                            self.member_key_and_value(key, value, prefix);
                            self.set_home(value, 2);
                            let kind = if *setter {
                                MemberKind::Setter
                            } else {
                                MemberKind::Getter
                            };
                            self.emit(Op::DefineMember(kind));
                        }
                        Prop::ShorthandDefault { span, .. } => {
                            self.error("invalid shorthand property initializer (`=` is only allowed in destructuring)", *span);
                        }
                    }
                }
            }
            ExprKind::Function(f) => self.function_value(f, name),
            ExprKind::PrivateName(n) => {
                let key = self.private_key(n);
                let c = self.str_const(&key);
                self.emit(Op::Const(c));
            }
            ExprKind::Intrinsic(op, args) => self.intrinsic(*op, args, e.span),
            ExprKind::Yield { arg, delegate } => self.yield_expr(arg.as_deref(), *delegate, e.span),
            ExprKind::Await(x) => {
                // The parser allows `await` only in async functions, which
                // park on it as a generator parks on `yield`, and at a
                // module's top level, which is one. A field's computed key
                // is evaluated in the function that initialises fields.
                self.expr(x);
                let Some(slot) = self.f().generator else {
                    self.error(
                        "`await` in a class field's computed key is not supported",
                        e.span,
                    );
                    return;
                };
                self.with_span(e.span, |c| c.emit(Op::Await(Slot(slot))));
            }
            ExprKind::ImportCall { specifier, options } => {
                self.expr(specifier);
                match options {
                    Some(o) => self.expr(o),
                    None => {
                        self.emit(Op::Undef);
                    }
                }
                self.with_span(e.span, |c| c.emit(Op::ImportCall));
            }
            ExprKind::Unary(op, x) => self.unary(*op, x),
            ExprKind::Update {
                inc,
                prefix,
                target,
            } => self.update(*inc, *prefix, target),
            ExprKind::Binary(op, a, b) => {
                if let Some(lit) = fold(e) {
                    match lit {
                        Lit::Num(n) => self.emit_num(n),
                        Lit::Str(s) => {
                            let c = self.str_const(&s);
                            self.emit(Op::Const(c));
                        }
                    }
                    return;
                }
                self.expr(a);
                if let ExprKind::Num(k) = b.kind {
                    if is_small_int(k) {
                        let k = k as i32;
                        let fused = match op {
                            BinaryOp::Add => Some(Op::AddInt(k)),
                            BinaryOp::Sub => Some(Op::SubInt(k)),
                            BinaryOp::Mul => Some(Op::MulInt(k)),
                            BinaryOp::Mod => Some(Op::ModInt(k)),
                            _ => None,
                        };
                        if let Some(op) = fused {
                            self.emit(op);
                            return;
                        }
                    }
                }
                self.expr(b);
                self.emit(binary_op(*op));
            }
            ExprKind::Logical(op, a, b) => {
                self.expr(a);
                let j = self.emit(logical_jump(*op));
                self.expr(b);
                self.patch(j);
            }
            ExprKind::Assign { op, target, value } => self.assign(*op, target, value),
            ExprKind::Cond(t, a, b) => {
                let j = self.cond_jump(t);
                self.expr(a);
                let end = self.emit(Op::Jump(Self::PENDING));
                self.patch(j);
                self.expr(b);
                self.patch(end);
            }
            // An anonymous class takes the name it is assigned to: its
            // body's arrow carries the name to `MakeClass`.
            ExprKind::Call { callee, args, .. }
                if !name.is_empty()
                    && args.is_empty()
                    && matches!(&callee.kind, ExprKind::Function(f) if matches!(f.kind, FnKind::ClassBody { .. })) =>
            {
                self.expr_named(callee, name);
                self.emit(Op::Undef);
                self.emit(Op::Call(0));
            }
            ExprKind::Call {
                callee,
                args,
                optional,
            } => self.call(callee, args, *optional),
            ExprKind::New { callee, args } => {
                self.expr(callee);
                if args.iter().any(|a| matches!(a, ArrayElem::Spread(_))) {
                    self.args_array(args);
                    self.emit(Op::NewSpread);
                } else {
                    let n = self.args(args, e.span);
                    self.emit(Op::New(n));
                }
            }
            ExprKind::Member {
                object,
                name,
                optional: false,
            } if self.local_slot(object).is_some() => {
                let s = self.local_slot(object).unwrap();
                let n = self.name(name);
                self.emit(Op::GetLocalField(Slot(s), n));
            }
            ExprKind::Member {
                object,
                name,
                optional,
            } => {
                self.expr(object);
                if *optional {
                    self.short_circuit(1);
                }
                let n = self.name(name);
                self.emit(Op::GetField(n));
            }
            ExprKind::Index {
                object,
                index,
                optional,
            } => {
                self.expr(object);
                if *optional {
                    self.short_circuit(1);
                }
                self.expr(index);
                self.emit(Op::GetIndex);
            }
            ExprKind::OptChain(inner) => {
                self.f().chain_exits.push(Vec::new());
                self.expr(inner);
                let exits = self.f().chain_exits.pop().unwrap();
                for j in exits {
                    self.patch(j);
                }
            }
            ExprKind::Seq(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.expr(x);
                    if i + 1 < items.len() {
                        self.emit(Op::Pop);
                    }
                }
            }
        }
    }

    pub(super) fn ident(&mut self, n: &str, at: u32) {
        if let (Var::Global(_), _) = self.lookup(n) {
            match n {
                "undefined" => {
                    self.emit(Op::Undef);
                    return;
                }
                "NaN" => return self.emit_num(f64::NAN),
                "Infinity" => return self.emit_num(f64::INFINITY),
                _ => {}
            }
        }
        self.load_var(n, at);
    }

    /// At a `?.`: if the top of the stack is null/undefined, drop the `depth`
    /// values the chain has pushed and make the whole chain `undefined`.
    pub(super) fn short_circuit(&mut self, depth: u8) {
        let ok = self.emit(Op::JumpIfNotNullish(Self::PENDING));
        self.emit(Op::PopN(depth));
        self.emit(Op::Undef);
        let exit = self.emit(Op::Jump(Self::PENDING));
        match self.f().chain_exits.last_mut() {
            Some(exits) => exits.push(exit),
            None => unreachable!("`?.` outside an optional chain"),
        }
        self.patch(ok);
    }

    pub(super) fn unary(&mut self, op: UnaryOp, x: &Expr) {
        match op {
            UnaryOp::Neg => {
                if let ExprKind::Num(n) = x.kind {
                    return self.emit_num(-n);
                }
                self.expr(x);
                self.emit(Op::Neg);
            }
            UnaryOp::Plus => {
                self.expr(x);
                self.emit(Op::ToNumber);
            }
            UnaryOp::Not => {
                self.expr(x);
                self.emit(Op::Not);
            }
            UnaryOp::BitNot => {
                self.expr(x);
                self.emit(Op::BitNot);
            }
            UnaryOp::Void => {
                self.expr(x);
                self.emit(Op::Pop);
                self.emit(Op::Undef);
            }
            UnaryOp::Typeof => {
                if let ExprKind::Ident(n) = &x.kind {
                    if let (Var::Global(g), _) = self.lookup(n) {
                        if n == "undefined" {
                            self.emit(Op::Undef);
                        } else {
                            self.emit(Op::LoadGlobalOrUndef(g));
                        }
                        self.emit(Op::TypeOf);
                        return;
                    }
                }
                self.expr(x);
                self.emit(Op::TypeOf);
            }
            UnaryOp::Delete => match &x.kind {
                ExprKind::Member { object, name, .. } => {
                    self.expr(object);
                    let n = self.name(name);
                    self.emit(Op::DeleteField(n));
                }
                ExprKind::Index { object, index, .. } => {
                    self.expr(object);
                    self.expr(index);
                    self.emit(Op::DeleteIndex);
                }
                _ => {
                    self.expr(x);
                    self.emit(Op::Pop);
                    self.emit(Op::True);
                }
            },
        }
    }

    pub(super) fn update(&mut self, inc: bool, prefix: bool, target: &Expr) {
        let step = if inc { Op::Inc } else { Op::Dec };
        match &target.kind {
            ExprKind::Ident(n) => {
                self.load_var(n, target.span.start);
                if prefix {
                    self.emit(step);
                    self.store_var(n, target.span);
                } else {
                    self.emit(Op::ToNumber);
                    self.emit(Op::Dup);
                    self.emit(step);
                    self.store_var(n, target.span);
                    self.emit(Op::Pop);
                }
            }
            ExprKind::Member { .. } | ExprKind::Index { .. } => {
                self.push_scope();
                let tmp = if prefix { 0 } else { self.temp() };
                let set = match &target.kind {
                    ExprKind::Member { object, name, .. } => {
                        self.expr(object);
                        self.emit(Op::Dup);
                        let n = self.name(name);
                        self.emit(Op::GetField(n));
                        Op::SetField(n)
                    }
                    ExprKind::Index { object, index, .. } => {
                        self.expr(object);
                        self.expr(index);
                        self.emit(Op::Dup2);
                        self.emit(Op::GetIndex);
                        Op::SetIndex
                    }
                    _ => unreachable!(),
                };
                if !prefix {
                    self.emit(Op::ToNumber);
                    self.emit(Op::StoreLocal(Slot(tmp)));
                }
                self.emit(step);
                self.emit(set);
                if !prefix {
                    self.emit(Op::Pop);
                    self.emit(Op::LoadLocal(Slot(tmp)));
                }
                self.pop_scope();
            }
            _ => self.error("invalid target for `++` or `--`", target.span),
        }
    }

    pub(super) fn assign(&mut self, op: AssignOp, target: &Pattern, value: &Expr) {
        match (op, target) {
            (AssignOp::Assign, Pattern::Ident(n, s)) => {
                self.expr_named(value, n);
                self.store_var(n, *s);
            }
            (AssignOp::Assign, Pattern::Expr(t)) => match &t.kind {
                ExprKind::Member { object, name, .. } => {
                    self.expr(object);
                    self.expr_named(value, name);
                    let n = self.name(name);
                    self.emit(Op::SetField(n));
                }
                ExprKind::Index { object, index, .. } => {
                    self.expr(object);
                    self.expr(index);
                    self.expr(value);
                    self.emit(Op::SetIndex);
                }
                _ => self.error("invalid assignment target", t.span),
            },
            (AssignOp::Assign, pattern) => {
                self.expr(value);
                self.emit(Op::Dup);
                self.destructure(pattern, false);
            }
            (_, Pattern::Ident(n, s)) => {
                self.load_var(n, s.start);
                match op {
                    AssignOp::Binary(b) => {
                        self.expr(value);
                        self.emit(binary_op(b));
                        self.store_var(n, *s);
                    }
                    AssignOp::Logical(l) => {
                        let j = self.emit(logical_jump(l));
                        self.expr_named(value, n);
                        self.store_var(n, *s);
                        self.patch(j);
                    }
                    AssignOp::Assign => unreachable!(),
                }
            }
            (_, Pattern::Expr(t)) => {
                let (set, extra) = match &t.kind {
                    ExprKind::Member { object, name, .. } => {
                        self.expr(object);
                        self.emit(Op::Dup);
                        let n = self.name(name);
                        self.emit(Op::GetField(n));
                        (Op::SetField(n), 1)
                    }
                    ExprKind::Index { object, index, .. } => {
                        self.expr(object);
                        self.expr(index);
                        self.emit(Op::Dup2);
                        self.emit(Op::GetIndex);
                        (Op::SetIndex, 2)
                    }
                    _ => {
                        self.error("invalid assignment target", t.span);
                        return;
                    }
                };
                match op {
                    AssignOp::Binary(b) => {
                        self.expr(value);
                        self.emit(binary_op(b));
                        self.emit(set);
                    }
                    AssignOp::Logical(l) => {
                        let keep = self.emit(logical_jump(l));
                        self.expr(value);
                        self.emit(set);
                        let end = self.emit(Op::Jump(Self::PENDING));
                        self.patch(keep);
                        for _ in 0..extra {
                            self.emit(Op::Swap);
                            self.emit(Op::Pop);
                        }
                        self.patch(end);
                    }
                    AssignOp::Assign => unreachable!(),
                }
            }
            (_, other) => self.error("invalid target for a compound assignment", other.span()),
        }
    }

    /// Pushes call arguments; returns their count.
    pub(super) fn args(&mut self, args: &[ArrayElem], span: Span) -> u8 {
        if args.len() > ARGS_MAX {
            self.error(
                format!("too many arguments in one call (more than {ARGS_MAX})"),
                span,
            );
        }
        for a in args {
            if let ArrayElem::Expr(x) = a {
                self.expr(x);
            }
        }
        args.len() as u8
    }

    /// Pushes the arguments as one array (calls with spread).
    pub(super) fn args_array(&mut self, args: &[ArrayElem]) {
        self.emit(Op::NewArray(args.len() as u32));
        for a in args {
            match a {
                ArrayElem::Expr(x) => {
                    self.expr(x);
                    self.emit(Op::ArrayPush);
                }
                ArrayElem::Spread(x) => {
                    self.expr(x);
                    self.emit(Op::ArraySpread);
                }
                ArrayElem::Hole => {}
            }
        }
    }

    pub(super) fn call(&mut self, callee: &Expr, args: &[ArrayElem], optional: bool) {
        // A method called on a call's result is located at its name, as
        // node's traces do: in a chain (`work("X").get("nolead", …)`) the
        // call's span starts at the chain's first token, and a trace said
        // `file:1:1` for every link. (Other calls keep their whole span:
        // messages quote it, `o.a is not a function`.)
        let at = match &callee.kind {
            ExprKind::Member { name, object, .. }
                if matches!(object.kind, ExprKind::Call { .. })
                    && callee.span.end as usize >= name.len() =>
            {
                Some(Span {
                    start: callee.span.end - name.len() as u32,
                    end: callee.span.end,
                })
            }
            _ => None,
        };
        // Set up [callee, this].
        match &callee.kind {
            ExprKind::Member {
                object,
                name,
                optional: member_opt,
            } => {
                self.expr(object);
                if *member_opt {
                    self.short_circuit(1);
                }
                let n = self.name(name);
                if optional {
                    self.emit(Op::Dup);
                    self.with_span(callee.span, |c| c.emit(Op::GetField(n)));
                    self.short_circuit(2);
                    self.emit(Op::Swap);
                } else {
                    self.with_span(callee.span, |c| c.emit(Op::GetMethod(n)));
                }
            }
            ExprKind::Index {
                object,
                index,
                optional: member_opt,
            } => {
                self.expr(object);
                if *member_opt {
                    self.short_circuit(1);
                }
                self.emit(Op::Dup);
                self.expr(index);
                self.emit(Op::GetIndex);
                if optional {
                    self.short_circuit(2);
                }
                self.emit(Op::Swap);
            }
            _ => {
                self.expr(callee);
                if optional {
                    self.short_circuit(1);
                }
                self.emit(Op::Undef);
            }
        }
        let span = self.f().span;
        if args.iter().any(|a| matches!(a, ArrayElem::Spread(_))) {
            self.args_array(args);
            self.with_span(at.unwrap_or(span), |c| c.emit(Op::CallSpread));
        } else {
            let n = self.args(args, span);
            self.with_span(at.unwrap_or(span), |c| c.emit(Op::Call(n)));
        }
    }

    /// Pushes a member's key and its function, named `get key` / `set key`
    /// / `key` as the specification names them (computed keys leave the
    /// function anonymous).
    pub(super) fn member_key_and_value(&mut self, key: &PropKey, value: &Expr, prefix: &str) {
        match key {
            PropKey::Name(k) => {
                let c = self.str_const(k);
                self.emit(Op::Const(c));
                self.expr_named(value, &format!("{prefix}{k}"));
            }
            PropKey::Computed(k) => {
                self.expr(k);
                self.expr(value);
                if let ExprKind::Function(f) = &value.kind
                    && f.name.is_none()
                {
                    let p = match prefix {
                        "get " => 1,
                        "set " => 2,
                        _ => 0,
                    };
                    self.emit(Op::NameFromKey(p));
                }
            }
        }
    }

    /// The operations classes are built from (parser/class.rs).
    fn intrinsic(&mut self, op: Intrinsic, args: &[ArrayElem], span: Span) {
        let arg = |i: usize| match &args[i] {
            ArrayElem::Expr(x) => x,
            _ => unreachable!("the parser passes intrinsics plain operands"),
        };
        match op {
            Intrinsic::MakeClass => {
                let name = self.f().proto.name.clone();
                self.expr_named(arg(0), &name);
                if args.len() > 1 {
                    self.expr(arg(1));
                }
                self.emit(Op::MakeClass(args.len() > 1));
            }
            Intrinsic::ProtoOf => {
                self.expr(arg(0));
                self.emit(Op::ProtoOf);
            }
            Intrinsic::Uninit => {
                self.emit(Op::Uninit);
            }
            Intrinsic::YieldRaw => {
                self.expr(arg(0));
                self.yield_raw(span);
            }
            Intrinsic::ResumeKind => {
                self.emit(Op::ResumeKind);
            }
            Intrinsic::HomeObject => {
                self.emit(Op::HomeObject);
            }
            Intrinsic::DefineMember(kind) => {
                self.expr(arg(0));
                let prefix = match kind {
                    MemberKind::ClassGetter | MemberKind::PrivateGetter => "get ",
                    MemberKind::ClassSetter | MemberKind::PrivateSetter => "set ",
                    _ => "",
                };
                let key = match &arg(1).kind {
                    ExprKind::Str(k) if k.starts_with('#') => PropKey::Name(self.private_key(k)),
                    ExprKind::Str(k) => PropKey::Name(k.clone()),
                    _ => PropKey::Computed(arg(1).clone()),
                };
                // A private method is named `#m`, not by its key.
                let shown = match (&key, &arg(1).kind) {
                    (PropKey::Name(_), ExprKind::Str(k)) => Some(k.clone()),
                    _ => None,
                };
                match (shown, &key) {
                    (Some(k), PropKey::Name(full)) => {
                        let c = self.str_const(full);
                        self.emit(Op::Const(c));
                        self.expr_named(arg(2), &format!("{prefix}{k}"));
                    }
                    _ => self.member_key_and_value(&key, arg(2), prefix),
                }
                self.emit(Op::DefineMember(kind));
            }
            Intrinsic::SuperCall => {
                self.expr(arg(0));
                self.expr(arg(1));
                match &args[2..] {
                    // A default constructor's `super(...%args)` passes its
                    // rest array as it is: no iteration a script could see.
                    [ArrayElem::Spread(e)] if matches!(&e.kind, ExprKind::Ident(n) if n.starts_with('%')) => {
                        self.expr(e)
                    }
                    rest => self.args_array(rest),
                }
                self.with_span(span, |c| c.emit(Op::SuperCall));
            }
            Intrinsic::SuperGet => {
                self.expr(arg(0));
                self.expr(arg(1));
                self.expr(arg(2));
                self.with_span(span, |c| c.emit(Op::SuperGet));
            }
            Intrinsic::SuperSet => {
                for i in 0..4 {
                    self.expr(arg(i));
                }
                self.with_span(span, |c| c.emit(Op::SuperSet));
            }
            Intrinsic::CallWith => {
                self.expr(arg(0));
                self.expr(arg(1));
                let rest = &args[2..];
                if rest.iter().any(|a| matches!(a, ArrayElem::Spread(_))) {
                    self.args_array(rest);
                    self.with_span(span, |c| c.emit(Op::CallSpread));
                } else {
                    let n = self.args(rest, span);
                    self.with_span(span, |c| c.emit(Op::Call(n)));
                }
            }
        }
    }

    /// [obj, …, f] → the same, `f` carrying `obj` as its home object when
    /// it is an object literal's method that uses `super` (`depth`: how far
    /// below `f` the literal is).
    fn set_home(&mut self, value: &Expr, depth: u8) {
        if let ExprKind::Function(f) = &value.kind {
            if f.needs_home {
                self.emit(Op::SetHome(depth));
            }
        }
    }
}
