//! Classes. A class is parsed into the calls that build it, evaluated in
//! an arrow function of its own (so `this` and `arguments` outside stay
//! what they were):
//!
//! ```text
//! (() => {
//!     const %sc = Parent;                       // `extends` only
//!     const %init = function () { …fields… };   // or undefined: instance fields, private methods
//!     const C = %MakeClass(function C(…) {…}, %sc);
//!     const %sp = %ProtoOf(C.prototype);        // what `super.x` reads
//!     const %sh = %ProtoOf(C);                  // … in static members
//!     %DefineMember(C.prototype, "m", function () {…});   // and statics on C
//!     %CallWith(function () { …static fields and blocks… }, C);
//!     return C;
//! })()
//! ```
//!
//! `%`-names cannot be written in scripts, so they never meet a script's.
//! In a derived constructor `this` is the variable `%this`, which `super(…)`
//! sets (`%this = %SuperCall(%sc, %this, …args)`, then `%init` runs on it),
//! and the constructor returns it. Hidden bindings take their keys (see
//! resolve.rs) from offsets inside the `class` keyword and the body's `{`,
//! where no declaration of a script can start.

use super::*;
use crate::bytecode::MemberKind;

/// The hidden binding of an object literal method's home object (the
/// literal), whose prototype `super.x` reads.
pub(super) const LITERAL_HOME: &str = "%home";

/// What `this`, `super` and `return;` mean in the function being parsed.
#[derive(Clone, Copy, Default)]
pub(super) struct FnCtx {
    /// The hidden variable `super.x` reads from: the parent's prototype
    /// (`%sp`) in instance members, the class's own prototype (`%sh`: the
    /// parent, or `Function.prototype`) in static ones.
    pub home: Option<&'static str>,
    /// In a derived class's constructor: `this` is `%this`, `super()` may be
    /// called, and `return;` returns `%this`.
    pub derived_ctor: bool,
    /// In a field's initialiser (or an arrow in it): no `arguments`.
    pub in_field: bool,
    /// In a generator's body: `yield` is an expression.
    pub generator: bool,
    /// In an async function's body: `await` is an expression.
    pub is_async: bool,
    /// In a class's static block (or an arrow in it): `await` is reserved.
    pub static_block: bool,
    /// In a class's static block itself (not an arrow in it): no `return`.
    pub no_return: bool,
    /// At a module's top level (not in a function or arrow): an `await`
    /// here makes the module's evaluation asynchronous.
    pub module_top: bool,
}

enum Body {
    Method(Expr),
    Getter(Expr),
    Setter(Expr),
    Field(Option<Expr>),
    StaticBlock(Vec<Stmt>),
}

struct Member {
    is_static: bool,
    key: PropKey,
    private: bool,
    body: Body,
    span: Span,
}

fn at(start: u32) -> Span {
    Span { start, end: start }
}

fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

fn ident(name: &str, span: Span) -> Expr {
    expr(ExprKind::Ident(name.into()), span)
}

fn intrinsic(op: Intrinsic, args: Vec<Expr>, span: Span) -> Expr {
    expr(
        ExprKind::Intrinsic(op, args.into_iter().map(ArrayElem::Expr).collect()),
        span,
    )
}

fn stmt(kind: StmtKind, span: Span) -> Stmt {
    Stmt { kind, span }
}

fn constant(name: &str, key: Span, init: Expr) -> Stmt {
    let span = init.span;
    stmt(
        StmtKind::Var(
            VarKind::Const,
            vec![Declarator {
                pattern: Pattern::Ident(name.into(), key),
                init: Some(init),
            }],
        ),
        span,
    )
}

fn key_expr(key: &PropKey, span: Span) -> Expr {
    match key {
        PropKey::Name(n) => expr(ExprKind::Str(n.clone()), span),
        PropKey::Computed(e) => e.clone(),
    }
}

impl Parser<'_> {
    /// A `#private` name is declared once per class, except as a getter
    /// and a setter pair (both static or neither).
    fn check_private_duplicates(&mut self, members: &[Member]) -> PResult<()> {
        for (i, m) in members.iter().enumerate() {
            let PropKey::Name(n) = &m.key else { continue };
            if !m.private {
                continue;
            }
            let clash = members[..i].iter().any(|o| {
                let pair = matches!(
                    (&o.body, &m.body),
                    (Body::Getter(_), Body::Setter(_)) | (Body::Setter(_), Body::Getter(_))
                ) && o.is_static == m.is_static;
                o.private && matches!(&o.key, PropKey::Name(k) if k == n) && !pair
            });
            if clash {
                return self.error(format!("private name `{n}` is declared twice"), m.span);
            }
        }
        Ok(())
    }

    /// `class Name extends Parent { … }` from the `class` keyword: the
    /// name (if any) and the expression that makes the class.
    pub(super) fn class(&mut self, needs_name: bool) -> PResult<(Option<(String, Span)>, Expr)> {
        let start = self.span();
        self.bump();
        let name = if matches!(self.peek(), Token::Ident(n) if *n != "extends") {
            Some(self.ident()?)
        } else if needs_name {
            return self.error_here("a class name");
        } else {
            None
        };
        let awaits = self.awaits;
        let parent = if self.at_ident("extends") {
            self.bump();
            // The heritage is the outer code's: its `await` too.
            let inner = FnCtx {
                is_async: self.ctx.is_async,
                static_block: self.ctx.static_block,
                module_top: self.ctx.module_top,
                ..FnCtx::default()
            };
            let outer = std::mem::replace(&mut self.ctx, inner);
            let p = self.call_member();
            self.ctx = outer;
            Some(p?)
        } else {
            None
        };
        let open = self.expect(&Token::LBrace, "`{` to open the class body")?;
        self.private_uses.push(Vec::new());
        let members = self.class_members(parent.is_some());
        let uses = self.private_uses.pop().unwrap_or_default();
        let (members, ctor) = members?;
        let end = self.prev_span();
        self.check_private_duplicates(&members)?;
        let privates: Vec<String> = members
            .iter()
            .filter(|m| m.private)
            .filter_map(|m| match &m.key {
                PropKey::Name(n) => Some(n.clone()),
                PropKey::Computed(_) => None,
            })
            .collect();
        for (n, span) in uses {
            if privates.contains(&n) {
                continue;
            }
            match self.private_uses.last_mut() {
                Some(outer) => outer.push((n, span)),
                None => {
                    return self.error(
                        format!("private field `{n}` must be declared in an enclosing class"),
                        span,
                    );
                }
            }
        }
        let span = start.to(end);
        let awaits = self.awaits > awaits;
        let built = self.build_class(
            name.clone(),
            (parent, awaits),
            members,
            ctor,
            privates,
            start.start,
            open.start,
            span,
        );
        Ok((name, built))
    }

    /// The members up to the closing `}`, and the constructor if written.
    fn class_members(&mut self, derived: bool) -> PResult<(Vec<Member>, Option<Rc<Function>>)> {
        let mut members = Vec::new();
        let mut ctor = None;
        while !self.at(&Token::RBrace) {
            if self.at(&Token::Eof) {
                return self.error_here("`}` to close the class body");
            }
            if self.eat(&Token::Semi) {
                continue;
            }
            let span = self.span();
            let is_static = self.at_ident("static")
                && !matches!(
                    self.peek_at(1),
                    Token::LParen | Token::Assign | Token::Semi | Token::RBrace
                );
            if is_static {
                self.bump();
                if self.at(&Token::LBrace) {
                    let ctx = FnCtx {
                        home: Some("%sh"),
                        in_field: true,
                        static_block: true,
                        no_return: true,
                        ..FnCtx::default()
                    };
                    let outer = std::mem::replace(&mut self.ctx, ctx);
                    let block = self.block_body();
                    self.ctx = outer;
                    members.push(Member {
                        is_static,
                        key: PropKey::Name(String::new()),
                        private: false,
                        body: Body::StaticBlock(block?),
                        span,
                    });
                    continue;
                }
            }
            let is_async = self.at_async_method();
            if is_async {
                self.bump();
            }
            let generator = self.eat(&Token::Star);
            let accessor = if !is_async
                && (self.at_ident("get") || self.at_ident("set"))
                && !matches!(
                    self.peek_at(1),
                    Token::LParen | Token::Assign | Token::Semi | Token::RBrace
                ) {
                let setter = self.at_ident("set");
                self.bump();
                Some(setter)
            } else {
                None
            };
            let (key, private) = match self.peek().clone() {
                Token::PrivateName(n) => {
                    self.bump();
                    let n = ident_name(n);
                    if n == "#constructor" {
                        return self.error("`#constructor` is not a valid private name", span);
                    }
                    (PropKey::Name(n.into_owned()), true)
                }
                _ => (self.prop_key()?, false),
            };
            let home = if is_static { "%sh" } else { "%sp" };
            let method_ctx = FnCtx {
                home: Some(home),
                ..FnCtx::default()
            };
            let is_ctor = !is_static && !private && key == PropKey::Name("constructor".into());
            if self.at(&Token::LParen) {
                if is_ctor {
                    if is_async || generator {
                        return self
                            .error("a class constructor cannot be async or a generator", span);
                    }
                    if accessor.is_some() || ctor.is_some() {
                        let what = if ctor.is_some() {
                            "a class has only one constructor"
                        } else {
                            "the constructor cannot be a getter or setter"
                        };
                        return self.error(what, span);
                    }
                    let ctx = FnCtx {
                        home: Some("%sp"),
                        derived_ctor: derived,
                        ..FnCtx::default()
                    };
                    let outer = std::mem::replace(&mut self.ctx, ctx);
                    let f = self.method_function(span);
                    self.ctx = outer;
                    let ExprKind::Function(f) = f?.kind else {
                        unreachable!("method_function makes a function")
                    };
                    ctor = Some(f);
                    continue;
                }
                if is_static && key == PropKey::Name("prototype".into()) {
                    return self.error(
                        "classes may not have a static property named `prototype`",
                        span,
                    );
                }
                let outer = std::mem::replace(&mut self.ctx, method_ctx);
                let value = match accessor {
                    Some(setter) => self.accessor_function(setter, span),
                    None => self.method_function_of(span, generator, is_async),
                };
                self.ctx = outer;
                let value = value?;
                let body = match accessor {
                    Some(true) => Body::Setter(value),
                    Some(false) => Body::Getter(value),
                    None => Body::Method(value),
                };
                members.push(Member {
                    is_static,
                    key,
                    private,
                    body,
                    span,
                });
                continue;
            }
            if accessor.is_some() {
                return self.error_here("`(` to open the parameter list");
            }
            let named = |n: &str| !private && key == PropKey::Name(n.into());
            if named("constructor") || (is_static && named("prototype")) {
                // Reported, and the field parsed on: the class goes on.
                let _: PResult<()> = self.error(
                    "a class field cannot be named `constructor` or `prototype`",
                    span,
                );
            }
            let init = if self.eat(&Token::Assign) {
                let field_ctx = FnCtx {
                    in_field: true,
                    ..method_ctx
                };
                let outer = std::mem::replace(&mut self.ctx, field_ctx);
                let e = self.assign();
                self.ctx = outer;
                Some(e?)
            } else {
                None
            };
            self.semicolon()?;
            members.push(Member {
                is_static,
                key,
                private,
                body: Body::Field(init),
                span,
            });
        }
        self.bump();
        Ok((members, ctor))
    }

    /// Turns the parsed class into the expression that builds it.
    #[allow(clippy::too_many_arguments)]
    fn build_class(
        &mut self,
        name: Option<(String, Span)>,
        (parent, awaits): (Option<Expr>, bool),
        members: Vec<Member>,
        ctor: Option<Rc<Function>>,
        privates: Vec<String>,
        s: u32,
        open: u32,
        span: Span,
    ) -> Expr {
        let derived = parent.is_some();
        let this = || expr(ExprKind::This, span);
        let define = |kind: MemberKind, target: Expr, m: &Member, value: Expr| {
            let key = key_expr(&m.key, m.span);
            let span = m.span;
            expr(
                ExprKind::Intrinsic(
                    Intrinsic::DefineMember(kind),
                    vec![
                        ArrayElem::Expr(target),
                        ArrayElem::Expr(key),
                        ArrayElem::Expr(value),
                    ],
                ),
                span,
            )
        };
        // Instance members that each new object gets: private methods and
        // accessors first, then the fields in order.
        let mut init = Vec::new();
        let mut statics = Vec::new();
        let mut on_class = Vec::new();
        for pass in [true, false] {
            for m in members.iter().filter(|m| !m.is_static) {
                let method_like = !matches!(m.body, Body::Field(_));
                if method_like != pass || (method_like && !m.private) {
                    continue;
                }
                let (kind, value) = member_value(m);
                let e = define(kind, this(), m, value);
                init.push(stmt(StmtKind::Expr(e), m.span));
            }
        }
        let has_init = !init.is_empty();
        // Inside the class body its name (or `%C`) is the class. The
        // binding is declared at the body's `{` and usable from there
        // (resolve.rs: a reference at a binding's own key is never in its
        // temporal dead zone); `extends C` comes before and is.
        let inner: &str = name.as_ref().map_or("%C", |(n, _)| n);
        let class_ref = ident(inner, at(open));
        let prototype = || {
            expr(
                ExprKind::Member {
                    object: Box::new(ident(inner, at(open))),
                    name: "prototype".into(),
                    optional: false,
                },
                span,
            )
        };
        for m in &members {
            if !m.is_static {
                if !m.private && !matches!(m.body, Body::Field(_)) {
                    let (kind, value) = member_value(m);
                    let e = define(kind, prototype(), m, value);
                    on_class.push(stmt(StmtKind::Expr(e), m.span));
                }
                continue;
            }
            match &m.body {
                Body::StaticBlock(b) => statics.push(stmt(StmtKind::Block(b.clone()), m.span)),
                Body::Field(_) => {
                    let (kind, value) = member_value(m);
                    let e = define(kind, this(), m, value);
                    statics.push(stmt(StmtKind::Expr(e), m.span));
                }
                _ => {
                    let (kind, value) = member_value(m);
                    let e = define(kind, class_ref.clone(), m, value);
                    // Static private methods exist before static fields run.
                    if m.private {
                        statics.insert(0, stmt(StmtKind::Expr(e), m.span));
                    } else {
                        on_class.push(stmt(StmtKind::Expr(e), m.span));
                    }
                }
            }
        }
        let ctor = self.constructor(ctor, &name, derived, has_init, s, open, span);
        let mut body = Vec::new();
        if let Some(p) = parent {
            body.push(constant("%sc", at(s + 1), p));
        }
        let init = if has_init {
            let f = Function {
                name: None,
                params: Vec::new(),
                rest: None,
                body: crate::ast::Body::Block(init),
                is_arrow: false,
                span: Span {
                    start: s + 2,
                    end: span.end,
                },
                kind: FnKind::Method,
                is_generator: false,
                is_async: false,
                needs_home: false,
            };
            expr(ExprKind::Function(Rc::new(f)), span)
        } else {
            expr(ExprKind::Undefined, span)
        };
        body.push(constant("%init", at(s + 2), init));
        let mut make = vec![expr(ExprKind::Function(Rc::new(ctor)), span)];
        if derived {
            make.push(ident("%sc", span));
        }
        let made = Span {
            start: span.start,
            end: open,
        };
        body.push(constant(
            inner,
            at(open),
            intrinsic(Intrinsic::MakeClass, make, made),
        ));
        body.push(constant(
            "%sp",
            at(s + 3),
            intrinsic(Intrinsic::ProtoOf, vec![prototype()], span),
        ));
        body.push(constant(
            "%sh",
            at(open + 2),
            intrinsic(Intrinsic::ProtoOf, vec![class_ref.clone()], span),
        ));
        body.extend(on_class);
        if !statics.is_empty() {
            let f = Function {
                name: None,
                params: Vec::new(),
                rest: None,
                body: crate::ast::Body::Block(statics),
                is_arrow: false,
                span: Span {
                    start: s + 3,
                    end: span.end,
                },
                kind: FnKind::Method,
                is_generator: false,
                is_async: false,
                needs_home: false,
            };
            let call = intrinsic(
                Intrinsic::CallWith,
                vec![
                    expr(ExprKind::Function(Rc::new(f)), span),
                    class_ref.clone(),
                ],
                span,
            );
            body.push(stmt(StmtKind::Expr(call), span));
        }
        body.push(stmt(StmtKind::Return(Some(class_ref)), span));
        // A class whose heritage or computed keys await is built by an
        // async arrow, awaited.
        let iife = Function {
            name: None,
            params: Vec::new(),
            rest: None,
            body: crate::ast::Body::Block(body),
            is_arrow: true,
            span,
            kind: FnKind::ClassBody { privates },
            is_generator: false,
            is_async: awaits,
            needs_home: false,
        };
        let built = expr(
            ExprKind::Call {
                callee: Box::new(expr(ExprKind::Function(Rc::new(iife)), span)),
                args: Vec::new(),
                optional: false,
            },
            span,
        );
        match awaits {
            true => expr(ExprKind::Await(Box::new(built)), span),
            false => built,
        }
    }

    /// The class's constructor function: the one written (with the
    /// prologue and epilogue a class needs) or the default one.
    #[allow(clippy::too_many_arguments)]
    fn constructor(
        &mut self,
        written: Option<Rc<Function>>,
        name: &Option<(String, Span)>,
        derived: bool,
        has_init: bool,
        s: u32,
        open: u32,
        span: Span,
    ) -> Function {
        let mut f = match written {
            Some(f) => (*f).clone(),
            None => {
                let mut body = Vec::new();
                let mut rest = None;
                if derived {
                    rest = Some(Pattern::Ident("%args".into(), at(open + 1)));
                    let args = vec![ArrayElem::Spread(ident("%args", span))];
                    body.push(stmt(StmtKind::Expr(self.super_call(args, span)), span));
                }
                Function {
                    name: None,
                    params: Vec::new(),
                    rest,
                    body: crate::ast::Body::Block(body),
                    is_arrow: false,
                    span,
                    kind: FnKind::Normal,
                    is_generator: false,
                    is_async: false,
                    needs_home: false,
                }
            }
        };
        f.name = name.as_ref().map(|(n, _)| n.clone());
        f.kind = FnKind::ClassConstructor;
        let crate::ast::Body::Block(stmts) = &mut f.body else {
            unreachable!("a constructor has a block body")
        };
        let mut prologue = Vec::new();
        if derived {
            let this = intrinsic(Intrinsic::Uninit, Vec::new(), span);
            prologue.push(stmt(
                StmtKind::Var(
                    VarKind::Let,
                    vec![Declarator {
                        pattern: Pattern::Ident("%this".into(), at(s + 4)),
                        init: Some(this),
                    }],
                ),
                span,
            ));
            stmts.push(stmt(StmtKind::Return(Some(ident("%this", span))), span));
        } else if has_init {
            let call = intrinsic(
                Intrinsic::CallWith,
                vec![ident("%init", span), expr(ExprKind::This, span)],
                span,
            );
            prologue.push(stmt(StmtKind::Expr(call), span));
        }
        stmts.splice(0..0, prologue);
        f
    }

    /// `super(args)` in a derived constructor: `(%this = %SuperCall(%sc,
    /// %this, …args), %init !== undefined && %CallWith(%init, %this), %this)`.
    pub(super) fn super_call(&mut self, args: Vec<ArrayElem>, span: Span) -> Expr {
        // The object under construction is the frame's `this`; `%this`
        // holds it once `super()` returned (the temporal dead zone before).
        let mut call_args = vec![
            ArrayElem::Expr(ident("%sc", span)),
            ArrayElem::Expr(expr(ExprKind::This, span)),
        ];
        call_args.extend(args);
        let call = expr(ExprKind::Intrinsic(Intrinsic::SuperCall, call_args), span);
        let assign = expr(
            ExprKind::Assign {
                op: AssignOp::Assign,
                target: Box::new(Pattern::Ident("%this".into(), span)),
                value: Box::new(call),
            },
            span,
        );
        let run_init = intrinsic(
            Intrinsic::CallWith,
            vec![ident("%init", span), ident("%this", span)],
            span,
        );
        let has_init = expr(
            ExprKind::Binary(
                BinaryOp::StrictNe,
                Box::new(ident("%init", span)),
                Box::new(expr(ExprKind::Undefined, span)),
            ),
            span,
        );
        let seq = vec![
            assign,
            expr(
                ExprKind::Logical(LogicalOp::And, Box::new(has_init), Box::new(run_init)),
                span,
            ),
            ident("%this", span),
        ];
        expr(ExprKind::Seq(seq), span)
    }

    /// `super` in an expression: `super(…)`, `super.x`, `super[x]`.
    pub(super) fn super_expr(&mut self, span: Span) -> PResult<Expr> {
        self.bump();
        if self.at(&Token::LParen) {
            if !self.ctx.derived_ctor {
                return self.error(
                    "`super()` is only valid in a derived class's constructor",
                    span,
                );
            }
            let args = self.args()?;
            let span = span.to(self.prev_span());
            return Ok(self.super_call(args, span));
        }
        let Some(home) = self.ctx.home else {
            return self.error("`super` is only valid in methods", span);
        };
        let key = if self.eat(&Token::Dot) {
            let Some(n) = self.property_name() else {
                return self.error_here("a property name after `super.`");
            };
            expr(ExprKind::Str(n), self.prev_span())
        } else if self.eat(&Token::LBracket) {
            let k = self.expr_allow_in()?;
            self.expect(&Token::RBracket, "`]`")?;
            k
        } else {
            return self.error_here("`(`, `.` or `[` after `super`");
        };
        let span = span.to(self.prev_span());
        let this = self.this_expr(span);
        let home = if home == LITERAL_HOME {
            // An object literal's: its prototype now.
            self.home_used = true;
            intrinsic(Intrinsic::ProtoOf, vec![ident(home, span)], span)
        } else {
            ident(home, span)
        };
        Ok(intrinsic(Intrinsic::SuperGet, vec![home, this, key], span))
    }

    /// `this` here: `%this` in a derived constructor.
    pub(super) fn this_expr(&self, span: Span) -> Expr {
        if self.ctx.derived_ctor {
            ident("%this", span)
        } else {
            expr(ExprKind::This, span)
        }
    }
}

/// A member's definition kind and value.
fn member_value(m: &Member) -> (MemberKind, Expr) {
    let undefined = || expr(ExprKind::Undefined, m.span);
    match (&m.body, m.private) {
        (Body::Method(f), false) => (MemberKind::Method, f.clone()),
        (Body::Getter(f), false) => (MemberKind::ClassGetter, f.clone()),
        (Body::Setter(f), false) => (MemberKind::ClassSetter, f.clone()),
        (Body::Field(v), false) => (MemberKind::Field, v.clone().unwrap_or_else(undefined)),
        (Body::Method(f), true) => (MemberKind::PrivateMethod, f.clone()),
        (Body::Getter(f), true) => (MemberKind::PrivateGetter, f.clone()),
        (Body::Setter(f), true) => (MemberKind::PrivateSetter, f.clone()),
        (Body::Field(v), true) => (
            MemberKind::PrivateField,
            v.clone().unwrap_or_else(undefined),
        ),
        (Body::StaticBlock(_), _) => unreachable!("static blocks are statements"),
    }
}
