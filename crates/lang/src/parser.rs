//! Tokens → AST. Statements by recursive descent, expressions by precedence
//! climbing (as clox does). Reports the first error of a statement, then
//! resynchronises at the next statement so one pass finds several errors.

use super::ast::*;
use super::diag::Diagnostic;
use super::lexer::{Lexeme, Token, describe, ident_name, scan_substitution, tokenize, unescape};
use super::source::Span;
use semantics::stack::grow;
use std::rc::Rc;

mod class;
mod for_await;
mod module;

/// The hidden binding of a function's `new.target` that its arrows read.
const CAPTURED_NEW_TARGET: &str = "%nt";

pub use crate::ast::IMPORT_META;
use class::FnCtx;

/// Deepest nesting of expressions and statements accepted. The compiler and
/// VM walk the tree recursively, so this bound keeps a hostile script from
/// overflowing the host's stack; real code stays far below it.
pub const MAX_DEPTH: usize = 400;
/// A parse stops after this many errors: later ones are mostly echoes.
pub const MAX_ERRORS: usize = 20;

type PResult<T> = Result<T, ()>;

pub struct Parser<'s> {
    src: &'s str,
    toks: Vec<Lexeme<'s>>,
    pos: usize,
    diags: Vec<Diagnostic>,
    /// Inside a `for (…` head, `in` ends the expression instead of being an operator.
    no_in: bool,
    depth: usize,
    /// What `this`, `super` and `return;` mean in the function being parsed.
    ctx: FnCtx,
    /// Whether `super` was used in the object literal method being parsed.
    home_used: bool,
    /// Arrows being parsed inside the innermost function.
    arrows: u32,
    /// Whether an arrow in the function being parsed reads `new.target`
    /// (the function then keeps it in `%nt` for them).
    new_target_captured: bool,
    /// Per class being parsed, innermost last: the private names it uses
    /// (checked against the ones it declares when it ends).
    private_uses: Vec<Vec<(String, Span)>>,
    /// `await` expressions parsed so far in the function being parsed,
    /// not in the functions and arrows inside it (an async function's
    /// parameters may hold none; a class that awaits is built by an async
    /// function).
    awaits: usize,
    /// Functions (not arrows) being parsed around here: `new.target` is
    /// valid only inside one.
    functions: usize,
    /// The file is a module (it has `import` or `export`): `await` is
    /// reserved everywhere in it.
    module: bool,
    /// `import.meta` was read somewhere in the file.
    import_meta: bool,
    /// The string literals of `import()` specifiers (`ModuleRecord::dynamic`).
    dynamic: Vec<(String, Span)>,
    /// An `await` (or `for await`) at the module's top level was parsed.
    top_level_await: bool,
    /// Where spreads followed by a comma start (`[...x,]`, `{...x,}`): as
    /// a pattern's rest element that comma is a syntax error.
    comma_after_spread: Vec<u32>,
}

/// Parses a whole file. Diagnostics are empty when the program is valid.
pub fn parse_program(src: &str) -> (Program, Vec<Diagnostic>) {
    let parsed = parse_goal(src, false);
    if !src.contains("await") {
        return parsed;
    }
    // A module reserves `await`: parse it again as one if it could matter.
    if !parsed.0.module.is_empty() {
        return parse_goal(src, true);
    }
    // A file whose top level awaits is a module, as Node detects one.
    if !parsed.1.is_empty() {
        let (mut program, diags) = parse_goal(src, true);
        if diags.is_empty() && program.module.top_level_await {
            program.module.declared = true;
            return (program, diags);
        }
    }
    parsed
}

fn parse_goal(src: &str, module: bool) -> (Program, Vec<Diagnostic>) {
    let (toks, diags) = tokenize(src, 0);
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        diags,
        no_in: false,
        depth: 0,
        ctx: FnCtx::default(),
        home_used: false,
        arrows: 0,
        new_target_captured: false,
        awaits: 0,
        functions: 0,
        comma_after_spread: Vec::new(),
        private_uses: Vec::new(),
        module,
        import_meta: false,
        top_level_await: false,
        dynamic: Vec::new(),
    };
    // A module's top level is an async body: `await` is an expression.
    p.ctx.is_async = module;
    p.ctx.module_top = module;
    let mut body = Vec::new();
    let mut module = ModuleRecord::default();
    while !p.at(&Token::Eof) && p.diags.len() < MAX_ERRORS {
        let start = p.pos;
        let item = if p.at_import_declaration() {
            p.import_declaration(&mut module)
        } else if p.at_export_declaration() {
            p.export_declaration(&mut body, &mut module)
        } else {
            p.statement_into(&mut body);
            continue;
        };
        if item.is_err() {
            // On to the end of the declaration: its `}` or `from` would
            // only start puzzling errors of their own.
            if p.pos == start {
                p.bump();
            }
            while !p.at(&Token::Semi) && !p.at(&Token::Eof) && !p.newline_before() {
                p.bump();
            }
            p.eat(&Token::Semi);
        }
    }
    if p.import_meta {
        module.declared = true;
        module.import_meta = true;
    }
    module.top_level_await = p.top_level_await;
    module.dynamic = p.dynamic;
    (
        Program {
            body,
            span: Span::new(0, src.len()),
            module,
        },
        p.diags,
    )
}

impl<'s> Parser<'s> {
    // ---- token access ----

    fn peek(&self) -> &Token<'s> {
        &self.toks[self.pos].token
    }
    fn peek_at(&self, n: usize) -> &Token<'s> {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].token
    }
    fn span(&self) -> Span {
        self.toks[self.pos].span
    }
    fn prev_span(&self) -> Span {
        self.toks[self.pos.saturating_sub(1)].span
    }
    fn newline_before(&self) -> bool {
        self.toks[self.pos].newline_before
    }
    fn at(&self, t: &Token) -> bool {
        self.peek() == t
    }
    fn at_ident(&self, name: &str) -> bool {
        matches!(self.peek(), Token::Ident(s) if *s == name)
    }
    fn bump(&mut self) -> Token<'s> {
        let t = self.toks[self.pos].token.clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn eat(&mut self, t: &Token) -> bool {
        if self.at(t) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn error<T>(&mut self, msg: impl Into<String>, span: Span) -> PResult<T> {
        let d = Diagnostic::new(msg, span);
        // Recovery may start a statement at the token an expression just
        // failed on: one report of it is enough.
        let repeated = self
            .diags
            .last()
            .is_some_and(|last| last.span == d.span && last.message == d.message);
        if !repeated {
            self.diags.push(d);
        }
        Err(())
    }
    fn error_here<T>(&mut self, expected: &str) -> PResult<T> {
        if self.at(&Token::Error) {
            return Err(()); // the lexer has reported this spot already
        }
        let found = describe(self.peek());
        let span = self.span();
        self.diags.push(
            Diagnostic::new(format!("expected {expected}, found {found}"), span)
                .with_label(format!("expected {expected}")),
        );
        Err(())
    }
    /// A construct of a feature that is not built yet, at the current
    /// token: what to say of it. Named here so that a script using one
    /// reads "not supported yet" at the construct, not a puzzling
    /// "expected `;`" a few tokens on.
    fn later_feature(&self) -> Option<&'static str> {
        let same_line = |i: usize| {
            self.toks
                .get(self.pos + i)
                .is_some_and(|l| !l.newline_before)
        };
        let next = self.peek_at(1);
        match self.peek() {
            Token::Ident("await")
                if !self.ctx.is_async
                    && same_line(1)
                    && matches!(
                        next,
                        Token::Ident(_)
                            | Token::Number(_)
                            | Token::Str(_)
                            | Token::LParen
                            | Token::This
                            | Token::New
                    ) =>
            {
                Some("`await` is only valid in async functions and at a module's top level")
            }
            Token::Ident("import" | "export") if !matches!(next, Token::LParen | Token::Dot) => {
                Some("`import` and `export` may only appear at a file's top level")
            }
            _ => None,
        }
    }

    fn expect(&mut self, t: &Token, what: &str) -> PResult<Span> {
        if self.at(t) {
            let s = self.span();
            self.bump();
            Ok(s)
        } else {
            self.error_here(what)
        }
    }
    fn ident(&mut self) -> PResult<(String, Span)> {
        match self.peek().clone() {
            Token::Ident(s) => {
                let span = self.span();
                self.bump();
                Ok((self.name_of(s, span)?, span))
            }
            _ => self.error_here("an identifier"),
        }
    }
    /// Checks a shorthand property (`{ name }`), which names a binding too.
    fn shorthand_name(&mut self, name: &str, span: Span) -> PResult<()> {
        if is_reserved_word(name) {
            return self.error(
                format!("`{name}` is a reserved word and cannot be used as a name"),
                span,
            );
        }
        Ok(())
    }
    /// A name being declared: an identifier, but not `eval` or `arguments`
    /// (strict code does not rebind them).
    fn binding_ident(&mut self) -> PResult<(String, Span)> {
        let (name, span) = self.ident()?;
        if name == "eval" || name == "arguments" {
            return self.error(format!("`{name}` cannot be declared in strict code"), span);
        }
        Ok((name, span))
    }
    /// The parameters of an async function or arrow: `await` is neither a
    /// name nor an expression there.
    fn async_params(&mut self) -> PResult<(Vec<Param>, Option<Pattern>)> {
        let before = self.awaits;
        let start = self.span();
        let r = self.params()?;
        if self.awaits > before {
            return self.error(
                "`await` is not allowed in an async function's parameters",
                start,
            );
        }
        Ok(r)
    }
    /// The name identifier token text `raw` spells (escapes decoded), or an
    /// error when it is a reserved word (strict code reserves more words
    /// than sloppy code, and an escaped keyword is no name either).
    fn name_of(&mut self, raw: &str, span: Span) -> PResult<String> {
        let name = ident_name(raw);
        if is_reserved_word(&name) {
            return self.error(
                format!("`{name}` is a reserved word and cannot be used as a name"),
                span,
            );
        }
        if self.ctx.is_async && name == "await" {
            return self.error("`await` cannot be a name in an async function", span);
        }
        if self.ctx.static_block && name == "await" {
            return self.error("`await` cannot be a name in a class static block", span);
        }
        if self.module && name == "await" {
            return self.error("`await` is reserved in a module and cannot be a name", span);
        }
        Ok(name.into_owned())
    }
    /// A property name after `.` or in an object literal: identifiers and keywords.
    fn property_name(&mut self) -> Option<String> {
        let t = self.peek().clone();
        let name = match t {
            Token::Ident(s) => ident_name(s).into_owned(),
            Token::Number(_)
            | Token::Str(_)
            | Token::Template(_)
            | Token::RegExp(_)
            | Token::Eof => return None,
            ref other => {
                let d = describe(other);
                let word = d.trim_matches('`');
                if !word.chars().all(|c| c.is_ascii_alphabetic()) {
                    return None;
                }
                word.to_string()
            }
        };
        self.bump();
        Some(name)
    }
    /// `yield`, `yield x` or `yield* iterable`.
    fn yield_expr(&mut self) -> PResult<Expr> {
        let start = self.span();
        self.bump();
        let delegate = !self.newline_before() && self.eat(&Token::Star);
        let ends = matches!(
            self.peek(),
            Token::RParen
                | Token::RBracket
                | Token::RBrace
                | Token::Comma
                | Token::Semi
                | Token::Colon
                | Token::Eof
        ) || (self.newline_before() && !delegate);
        let arg = if ends && !delegate {
            None
        } else {
            Some(Box::new(self.assign()?))
        };
        Ok(Expr {
            kind: ExprKind::Yield { arg, delegate },
            span: start.to(self.prev_span()),
        })
    }

    /// A name after `.`: a property name, or a class's `#private` name.
    fn member_name(&mut self) -> Option<String> {
        if let Token::PrivateName(n) = self.peek().clone() {
            let span = self.span();
            self.bump();
            let n = ident_name(n);
            self.use_private(&n, span);
            return Some(n.into_owned());
        }
        self.property_name()
    }

    /// Notes a use of private name `n`; outside every class it is an error.
    fn use_private(&mut self, n: &str, span: Span) {
        match self.private_uses.last_mut() {
            Some(uses) => uses.push((n.to_string(), span)),
            None => {
                let _: PResult<()> = self.error(
                    format!("private field `{n}` must be declared in an enclosing class"),
                    span,
                );
            }
        }
    }

    fn semicolon(&mut self) -> PResult<()> {
        if self.eat(&Token::Semi)
            || self.at(&Token::RBrace)
            || self.at(&Token::Eof)
            || self.newline_before()
        {
            Ok(())
        } else {
            self.error_here("`;`")
        }
    }
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.span();
            return self.error(
                format!("program nested too deeply (more than {MAX_DEPTH} levels)"),
                span,
            );
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Skips to a likely statement start after an error (clox's `synchronize`).
    /// Braces opened after the error are skipped whole, so a broken
    /// `if (x {` does not leave a stray `}` behind.
    fn synchronize(&mut self, start: usize) {
        let mut depth = 0usize;
        if self.pos == start {
            if self.at(&Token::LBrace) {
                depth += 1;
            }
            self.bump();
        }
        loop {
            if depth == 0
                && self.toks[self.pos.saturating_sub(1)].token == Token::Semi
                && self.pos != start
            {
                return;
            }
            match self.peek() {
                Token::LBrace => {
                    depth += 1;
                    self.bump();
                }
                Token::RBrace if depth > 0 => {
                    depth -= 1;
                    self.bump();
                }
                Token::Eof => return,
                _ if depth > 0 => {
                    self.bump();
                }
                Token::RBrace
                | Token::Let
                | Token::Const
                | Token::Var
                | Token::Function
                | Token::If
                | Token::For
                | Token::While
                | Token::Do
                | Token::Return
                | Token::Throw
                | Token::Try
                | Token::Switch
                | Token::Break
                | Token::Continue
                | Token::Class => return,
                _ => {
                    self.bump();
                }
            }
        }
    }

    // ---- statements ----

    fn statement_into(&mut self, out: &mut Vec<Stmt>) {
        let start = self.pos;
        match self.statement() {
            Ok(s) => out.push(s),
            Err(()) => self.synchronize(start),
        }
    }

    fn block_body(&mut self) -> PResult<Vec<Stmt>> {
        let open = self.expect(&Token::LBrace, "`{`")?;
        let mut body = Vec::new();
        while !self.at(&Token::RBrace) && !self.at(&Token::Eof) && self.diags.len() < MAX_ERRORS {
            self.statement_into(&mut body);
        }
        if self.at(&Token::Eof) {
            return self.error("expected `}` to close this block, found end of input", open);
        }
        self.expect(&Token::RBrace, "`}` to close the block")?;
        Ok(body)
    }

    fn statement(&mut self) -> PResult<Stmt> {
        self.enter()?;
        let r = grow(|| self.statement_inner());
        self.leave();
        r
    }

    /// The body of `if`, a loop or a label: a statement, not a declaration
    /// (strict code has no function declarations there).
    fn sub_statement(&mut self) -> PResult<Stmt> {
        let declares = match self.peek() {
            Token::Function => Some("a function declaration"),
            Token::Class => Some("a class declaration"),
            Token::Let | Token::Const => Some("a lexical declaration"),
            Token::Ident("async") if self.at_async_function() => Some("a function declaration"),
            _ => None,
        };
        if let Some(what) = declares {
            let span = self.span();
            return self.error(
                format!("{what} cannot be the body of a statement; wrap it in a block"),
                span,
            );
        }
        self.statement()
    }

    fn statement_inner(&mut self) -> PResult<Stmt> {
        let start = self.span();
        if self.at_async_function() {
            self.bump();
            self.bump();
            let f = self.function_rest(start, true, true)?;
            return Ok(Stmt {
                kind: StmtKind::Function(Rc::new(f)),
                span: start.to(self.prev_span()),
            });
        }
        if let Some(what) = self.later_feature() {
            return self.error(what, start);
        }
        let kind = match self.peek().clone() {
            Token::LBrace => StmtKind::Block(self.block_body()?),
            Token::Semi => {
                self.bump();
                StmtKind::Empty
            }
            Token::Let | Token::Const | Token::Var => {
                let (kind, decls) = self.var_decl()?;
                self.semicolon()?;
                StmtKind::Var(kind, decls)
            }
            Token::Ident("debugger") => {
                // No debugger is attached to a Kitwork script: a no-op.
                self.bump();
                self.semicolon()?;
                StmtKind::Empty
            }
            Token::Function => {
                self.bump();
                let f = self.function_rest(start, true, false)?;
                StmtKind::Function(Rc::new(f))
            }
            Token::If => {
                self.bump();
                self.expect(&Token::LParen, "`(` after `if`")?;
                let test = self.expr()?;
                self.expect(&Token::RParen, "`)` after the condition")?;
                let then = self.sub_statement()?;
                let other = if self.eat(&Token::Else) {
                    Some(Box::new(self.sub_statement()?))
                } else {
                    None
                };
                StmtKind::If(test, Box::new(then), other)
            }
            Token::For => return self.for_statement(),
            Token::While => {
                self.bump();
                self.expect(&Token::LParen, "`(` after `while`")?;
                let test = self.expr()?;
                self.expect(&Token::RParen, "`)` after the condition")?;
                StmtKind::While(test, Box::new(self.sub_statement()?))
            }
            Token::Do => {
                self.bump();
                let body = self.sub_statement()?;
                self.expect(&Token::While, "`while` after the body of `do`")?;
                self.expect(&Token::LParen, "`(` after `while`")?;
                let test = self.expr()?;
                self.expect(&Token::RParen, "`)` after the condition")?;
                self.eat(&Token::Semi);
                StmtKind::DoWhile(Box::new(body), test)
            }
            Token::Break | Token::Continue => {
                let is_break = self.bump() == Token::Break;
                let label = if !self.newline_before() && matches!(self.peek(), Token::Ident(_)) {
                    Some(self.ident()?.0)
                } else {
                    None
                };
                self.semicolon()?;
                if is_break {
                    StmtKind::Break(label)
                } else {
                    StmtKind::Continue(label)
                }
            }
            Token::Return => {
                if self.ctx.no_return {
                    let at = self.span();
                    return self.error("`return` is not allowed in a class static block", at);
                }
                self.bump();
                let value = if self.at(&Token::Semi)
                    || self.at(&Token::RBrace)
                    || self.at(&Token::Eof)
                    || self.newline_before()
                {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.semicolon()?;
                // A derived constructor's `return;` returns what `super()` made.
                let value = match value {
                    None if self.ctx.derived_ctor => Some(Expr {
                        kind: ExprKind::Ident("%this".into()),
                        span: start,
                    }),
                    v => v,
                };
                StmtKind::Return(value)
            }
            Token::Throw => {
                self.bump();
                if self.newline_before() {
                    let s = self.span();
                    return self.error("expected an expression after `throw` on the same line", s);
                }
                let e = self.expr()?;
                self.semicolon()?;
                StmtKind::Throw(e)
            }
            Token::Try => return self.try_statement(),
            Token::Switch => return self.switch_statement(),
            Token::Class => {
                let (name, value) = self.class(true)?;
                let (name, span) = name.expect("a class declaration has a name");
                StmtKind::Var(
                    VarKind::Let,
                    vec![Declarator {
                        pattern: Pattern::Ident(name, span),
                        init: Some(value),
                    }],
                )
            }
            Token::Ident(name) if *self.peek_at(1) == Token::Colon => {
                let span = self.span();
                self.bump();
                self.bump();
                let name = self.name_of(name, span)?;
                let body = self.sub_statement()?;
                StmtKind::Labeled(name, Box::new(body))
            }
            _ => {
                let e = self.expr()?;
                self.semicolon()?;
                StmtKind::Expr(e)
            }
        };
        Ok(Stmt {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    fn var_kind(&mut self) -> VarKind {
        match self.bump() {
            Token::Let => VarKind::Let,
            Token::Const => VarKind::Const,
            _ => VarKind::Var,
        }
    }

    fn var_decl(&mut self) -> PResult<(VarKind, Vec<Declarator>)> {
        let kind = self.var_kind();
        let mut decls = Vec::new();
        loop {
            let pattern = self.binding_pattern()?;
            let init = if self.eat(&Token::Assign) {
                Some(self.assign()?)
            } else {
                None
            };
            if init.is_none() && (kind == VarKind::Const || !matches!(pattern, Pattern::Ident(..)))
            {
                let what = if kind == VarKind::Const {
                    "`const` declaration"
                } else {
                    "destructuring declaration"
                };
                return self.error(format!("missing initializer in {what}"), pattern.span());
            }
            decls.push(Declarator { pattern, init });
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        Ok((kind, decls))
    }

    fn for_statement(&mut self) -> PResult<Stmt> {
        let start = self.span();
        self.bump();
        if self.ctx.is_async && self.at_ident("await") {
            self.bump();
            self.top_level_await |= self.ctx.module_top;
            self.expect(&Token::LParen, "`(` after `for await`")?;
            return self.for_await(start);
        }
        self.expect(&Token::LParen, "`(` after `for`")?;
        let mut init = None;
        if matches!(self.peek(), Token::Let | Token::Const | Token::Var) {
            let save = self.pos;
            let kind = self.var_kind();
            let pattern = self.binding_pattern()?;
            if self.at_ident("of") || self.at(&Token::In) {
                return self.for_each(start, ForHead::Decl(kind, pattern));
            }
            self.pos = save;
            self.no_in = true;
            let r = self.var_decl();
            self.no_in = false;
            let (kind, decls) = r?;
            init = Some(ForInit::Decl(kind, decls));
        } else if !self.at(&Token::Semi) {
            self.no_in = true;
            let r = self.expr();
            self.no_in = false;
            let e = r?;
            if self.at_ident("of") || self.at(&Token::In) {
                let target = self.to_pattern(e)?;
                return self.for_each(start, ForHead::Target(target));
            }
            init = Some(ForInit::Expr(e));
        }
        self.expect(&Token::Semi, "`;` after the loop initializer")?;
        let test = if self.at(&Token::Semi) {
            None
        } else {
            Some(self.expr()?)
        };
        self.expect(&Token::Semi, "`;` after the loop condition")?;
        let update = if self.at(&Token::RParen) {
            None
        } else {
            Some(self.expr()?)
        };
        self.expect(&Token::RParen, "`)` to close the loop header")?;
        let body = Box::new(self.sub_statement()?);
        if let Some(ForInit::Decl(VarKind::Let | VarKind::Const, decls)) = &init {
            let mut names = Vec::new();
            for d in decls {
                crate::resolve::pattern_names(&d.pattern, &mut names);
            }
            self.check_head_names(&names, std::slice::from_ref(&*body), false)?;
        }
        Ok(Stmt {
            kind: StmtKind::For {
                init,
                test,
                update,
                body,
            },
            span: start.to(self.prev_span()),
        })
    }

    /// Early errors of a loop head's `let`/`const` names or a catch
    /// parameter's: each bound once, and not declared again by the body —
    /// with `var` (a loop's body), or with `let`/`const`/`function` (a
    /// catch block, `catch_block`). The error is at the later name.
    fn check_head_names(
        &mut self,
        names: &[(String, Span)],
        body: &[Stmt],
        catch_block: bool,
    ) -> PResult<()> {
        for (i, (n, span)) in names.iter().enumerate() {
            if names[..i].iter().any(|(m, _)| m == n) {
                return self.error(format!("identifier `{n}` has already been declared"), *span);
            }
        }
        let again: Vec<(String, Span)> = if catch_block {
            crate::resolve::lexical_names(body)
                .into_iter()
                .map(|(n, s, _)| (n, s))
                .collect()
        } else {
            let mut vars = Vec::new();
            crate::resolve::collect_vars(body, &mut vars);
            vars
        };
        if let Some((n, span)) = again
            .iter()
            .find(|(n, _)| names.iter().any(|(m, _)| m == n))
        {
            return self.error(format!("identifier `{n}` has already been declared"), *span);
        }
        Ok(())
    }

    fn for_each(&mut self, start: Span, head: ForHead) -> PResult<Stmt> {
        let is_of = !self.at(&Token::In);
        self.bump();
        let iter = if is_of { self.assign()? } else { self.expr()? };
        self.expect(&Token::RParen, "`)` to close the loop header")?;
        let body = Box::new(self.sub_statement()?);
        if let ForHead::Decl(VarKind::Let | VarKind::Const, p) = &head {
            let mut names = Vec::new();
            crate::resolve::pattern_names(p, &mut names);
            self.check_head_names(&names, std::slice::from_ref(&*body), false)?;
        }
        let kind = if is_of {
            StmtKind::ForOf { head, iter, body }
        } else {
            StmtKind::ForIn {
                head,
                object: iter,
                body,
            }
        };
        Ok(Stmt {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    fn try_statement(&mut self) -> PResult<Stmt> {
        let start = self.span();
        self.bump();
        let block = self.block_body()?;
        let (mut param, mut handler, mut finalizer) = (None, None, None);
        if self.eat(&Token::Catch) {
            if self.eat(&Token::LParen) {
                param = Some(self.binding_pattern()?);
                self.expect(&Token::RParen, "`)` after the catch binding")?;
            }
            let body = self.block_body()?;
            if let Some(p) = &param {
                let mut names = Vec::new();
                crate::resolve::pattern_names(p, &mut names);
                self.check_head_names(&names, &body, true)?;
            }
            handler = Some(body);
        }
        if self.eat(&Token::Finally) {
            finalizer = Some(self.block_body()?);
        }
        if handler.is_none() && finalizer.is_none() {
            return self.error_here("`catch` or `finally` after the `try` block");
        }
        Ok(Stmt {
            kind: StmtKind::Try {
                block,
                param,
                handler,
                finalizer,
            },
            span: start.to(self.prev_span()),
        })
    }

    fn switch_statement(&mut self) -> PResult<Stmt> {
        let start = self.span();
        self.bump();
        self.expect(&Token::LParen, "`(` after `switch`")?;
        let disc = self.expr()?;
        self.expect(&Token::RParen, "`)` after the switch value")?;
        self.expect(&Token::LBrace, "`{` to open the switch body")?;
        let mut cases = Vec::new();
        let mut seen_default = false;
        while !self.eat(&Token::RBrace) {
            let test = if self.eat(&Token::Case) {
                Some(self.expr()?)
            } else if self.at(&Token::Default) {
                if seen_default {
                    let s = self.span();
                    return self.error("more than one `default` clause in a switch", s);
                }
                seen_default = true;
                self.bump();
                None
            } else {
                return self.error_here("`case`, `default` or `}`");
            };
            self.expect(&Token::Colon, "`:` after the case")?;
            let mut body = Vec::new();
            while !matches!(
                self.peek(),
                Token::Case | Token::Default | Token::RBrace | Token::Eof
            ) {
                self.statement_into(&mut body);
                if self.diags.len() >= MAX_ERRORS {
                    return Err(());
                }
            }
            cases.push(Case { test, body });
        }
        Ok(Stmt {
            kind: StmtKind::Switch(disc, cases),
            span: start.to(self.prev_span()),
        })
    }

    // ---- functions ----

    /// `async function` (no line break between them)?
    fn at_async_function(&self) -> bool {
        self.at_ident("async")
            && *self.peek_at(1) == Token::Function
            && !self.toks[self.pos + 1].newline_before
    }

    /// `async` starting an arrow: `async x =>` or `async (…) =>`, all on
    /// one line.
    fn at_async_arrow(&self) -> bool {
        if !self.at_ident("async") || self.toks[self.pos + 1].newline_before {
            return false;
        }
        match self.peek_at(1) {
            Token::Ident(_) => {
                *self.peek_at(2) == Token::Arrow && !self.toks[self.pos + 2].newline_before
            }
            Token::LParen => self.paren_at_is_arrow(self.pos + 1),
            _ => false,
        }
    }

    /// After `function`: optional name, parameters, body.
    fn function_rest(
        &mut self,
        start: Span,
        needs_name: bool,
        is_async: bool,
    ) -> PResult<Function> {
        let is_generator = self.eat(&Token::Star);
        let name = if matches!(self.peek(), Token::Ident(_)) {
            // A function expression's name is its own (bound inside it),
            // so `await` may name one in a class static block.
            let in_block = self.ctx.static_block;
            self.ctx.static_block &= needs_name;
            let named = self.binding_ident();
            self.ctx.static_block = in_block;
            let (name, span) = named?;
            // A function expression's name is bound inside it, where an
            // async function's `await` and a generator's `yield` are not
            // names.
            if !needs_name && ((is_async && name == "await") || (is_generator && name == "yield")) {
                return self.error(format!("`{name}` cannot name this function"), span);
            }
            Some(name)
        } else if needs_name {
            return self.error_here("a function name");
        } else {
            None
        };
        let outer = std::mem::replace(
            &mut self.ctx,
            FnCtx {
                generator: is_generator,
                is_async,
                ..FnCtx::default()
            },
        );
        let parsed = self.function_body(is_async);
        self.ctx = outer;
        let (params, rest, body) = parsed?;
        Ok(Function {
            name,
            params,
            rest,
            body,
            is_arrow: false,
            span: start.to(self.prev_span()),
            kind: FnKind::Normal,
            is_generator,
            is_async,
            needs_home: false,
        })
    }

    fn params(&mut self) -> PResult<(Vec<Param>, Option<Pattern>)> {
        self.expect(&Token::LParen, "`(` to open the parameter list")?;
        let mut params = Vec::new();
        let mut rest = None;
        while !self.at(&Token::RParen) {
            if self.eat(&Token::Ellipsis) {
                rest = Some(self.binding_pattern()?);
                if !self.at(&Token::RParen) {
                    return self.error_here("`)` after the rest parameter");
                }
                break;
            }
            let pattern = self.binding_pattern()?;
            let default = if self.eat(&Token::Assign) {
                Some(self.assign()?)
            } else {
                None
            };
            params.push(Param { pattern, default });
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::RParen, "`)` to close the parameter list")?;
        // Code is strict: a name may not be two parameters.
        let mut names = Vec::new();
        for p in &params {
            crate::resolve::pattern_names(&p.pattern, &mut names);
        }
        if let Some(r) = &rest {
            crate::resolve::pattern_names(r, &mut names);
        }
        for (i, (n, span)) in names.iter().enumerate() {
            if names[..i].iter().any(|(m, _)| m == n) {
                return self.error(format!("duplicate parameter name `{n}`"), *span);
            }
        }
        Ok((params, rest))
    }

    /// A function's (not an arrow's) parameters and block body, checked
    /// for a `"use strict"` body with non-simple parameters; `new.target`
    /// is valid in both.
    #[allow(clippy::type_complexity)]
    fn function_body(&mut self, is_async: bool) -> PResult<(Vec<Param>, Option<Pattern>, Body)> {
        self.functions += 1;
        let arrows = std::mem::replace(&mut self.arrows, 0);
        let awaits = std::mem::replace(&mut self.awaits, 0);
        let captured = std::mem::replace(&mut self.new_target_captured, false);
        let params = if is_async {
            self.async_params()
        } else {
            self.params()
        };
        let parsed = params.and_then(|p| Ok((p, self.block_body()?)));
        self.functions -= 1;
        self.arrows = arrows;
        self.awaits = awaits;
        let used = std::mem::replace(&mut self.new_target_captured, captured);
        let ((params, rest), mut body) = parsed?;
        self.check_strict_body(&params, &rest, &body)?;
        if used {
            // The arrows in it read the function's `new.target` from here.
            let span = body.first().map_or(self.prev_span(), |s| s.span);
            let key = Span {
                start: span.start,
                end: span.start,
            };
            let read = Expr {
                kind: ExprKind::Call {
                    callee: Box::new(Expr {
                        kind: ExprKind::Ident("%newTarget".into()),
                        span,
                    }),
                    args: Vec::new(),
                    optional: false,
                },
                span,
            };
            let declare = StmtKind::Var(
                VarKind::Const,
                vec![Declarator {
                    pattern: Pattern::Ident(CAPTURED_NEW_TARGET.into(), key),
                    init: Some(read),
                }],
            );
            body.insert(
                0,
                Stmt {
                    kind: declare,
                    span,
                },
            );
        }
        Ok((params, rest, Body::Block(body)))
    }

    /// A `"use strict"` body needs simple parameters (no defaults,
    /// patterns or rest).
    fn check_strict_body(
        &mut self,
        params: &[Param],
        rest: &Option<Pattern>,
        body: &[Stmt],
    ) -> PResult<()> {
        let directive = body.first().is_some_and(|s| {
            matches!(&s.kind, StmtKind::Expr(Expr { kind: ExprKind::Str(d), span }) if d == "use strict" && span.end - span.start == 12)
        });
        let simple = rest.is_none()
            && params
                .iter()
                .all(|p| p.default.is_none() && matches!(p.pattern, Pattern::Ident(..)));
        if directive && !simple {
            return self.error(
                "\"use strict\" is not allowed in a function with default, destructured or rest parameters",
                body[0].span,
            );
        }
        Ok(())
    }

    /// Is the token at `pos` (a `(`) the start of an arrow's parameter list?
    fn paren_is_arrow(&self) -> bool {
        self.paren_at_is_arrow(self.pos)
    }

    /// Is the token at `start` (a `(`) the start of an arrow's parameter list?
    fn paren_at_is_arrow(&self, start: usize) -> bool {
        let mut depth = 0usize;
        let mut i = start;
        while i < self.toks.len() {
            match self.toks[i].token {
                Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
                Token::RParen | Token::RBracket | Token::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(self.toks.get(i + 1), Some(l) if l.token == Token::Arrow && !l.newline_before);
                    }
                }
                Token::Eof => return false,
                _ => {}
            }
            i += 1;
        }
        false
    }

    /// An arrow's parameters: one name, or a parenthesised list.
    fn arrow_params(&mut self, is_async: bool) -> PResult<(Vec<Param>, Option<Pattern>)> {
        if let Token::Ident(_) = self.peek() {
            let (name, span) = self.binding_ident()?;
            Ok((
                vec![Param {
                    pattern: Pattern::Ident(name, span),
                    default: None,
                }],
                None,
            ))
        } else if is_async {
            self.async_params()
        } else {
            self.params()
        }
    }

    fn arrow(&mut self, is_async: bool) -> PResult<Expr> {
        self.arrows += 1;
        let r = self.arrow_inner(is_async);
        self.arrows -= 1;
        r
    }

    fn arrow_inner(&mut self, is_async: bool) -> PResult<Expr> {
        let start = self.span();
        if is_async {
            self.bump();
        }
        let async_outside = self.ctx.is_async;
        self.ctx.is_async |= is_async;
        let awaits_before = self.awaits;
        let params = self.arrow_params(is_async);
        self.ctx.is_async = async_outside;
        let (params, rest) = params?;
        if self.awaits > awaits_before {
            // Where `await` is an expression (an async function, a
            // module's top level), an arrow's parameters still hold none.
            return self.error("`await` is not allowed in an arrow's parameters", start);
        }
        self.expect(&Token::Arrow, "`=>`")?;
        let saved = std::mem::replace(&mut self.no_in, false);
        let generator_before = std::mem::replace(&mut self.ctx.generator, false);
        let async_before = std::mem::replace(&mut self.ctx.is_async, is_async);
        let no_return_before = std::mem::replace(&mut self.ctx.no_return, false);
        let block_before = std::mem::replace(&mut self.ctx.static_block, false);
        let top_before = std::mem::replace(&mut self.ctx.module_top, false);
        let awaits = std::mem::replace(&mut self.awaits, 0);
        let body = if self.at(&Token::LBrace) {
            self.block_body().map(Body::Block)
        } else {
            self.assign().map(Body::Expr)
        };
        self.awaits = awaits;
        self.no_in = saved;
        self.ctx.generator = generator_before;
        self.ctx.is_async = async_before;
        self.ctx.no_return = no_return_before;
        self.ctx.static_block = block_before;
        self.ctx.module_top = top_before;
        let body = body?;
        if let Body::Block(stmts) = &body {
            self.check_strict_body(&params, &rest, stmts)?;
        }
        let span = start.to(self.prev_span());
        let f = Function {
            name: None,
            params,
            rest,
            body,
            is_arrow: true,
            span,
            kind: FnKind::Normal,
            is_generator: false,
            is_async,
            needs_home: false,
        };
        Ok(Expr {
            kind: ExprKind::Function(Rc::new(f)),
            span,
        })
    }

    // ---- patterns ----

    fn binding_pattern(&mut self) -> PResult<Pattern> {
        self.enter()?;
        let r = grow(|| self.binding_pattern_inner());
        self.leave();
        r
    }

    fn binding_pattern_inner(&mut self) -> PResult<Pattern> {
        let start = self.span();
        match self.peek() {
            Token::Ident(_) => {
                let (name, span) = self.binding_ident()?;
                Ok(Pattern::Ident(name, span))
            }
            Token::LBrace => {
                self.bump();
                let mut props = Vec::new();
                let mut rest = None;
                while !self.at(&Token::RBrace) {
                    if self.eat(&Token::Ellipsis) {
                        let (name, span) = self.ident()?;
                        rest = Some(Box::new(Pattern::Ident(name, span)));
                        break;
                    }
                    let key_span = self.span();
                    let key = self.prop_key()?;
                    let value = if self.eat(&Token::Colon) {
                        self.binding_pattern()?
                    } else {
                        match &key {
                            PropKey::Name(n)
                                if matches!(self.toks[self.pos - 1].token, Token::Ident(_)) =>
                            {
                                self.shorthand_name(n, key_span)?;
                                Pattern::Ident(n.clone(), key_span)
                            }
                            _ => return self.error_here("`:` after the property name"),
                        }
                    };
                    let default = if self.eat(&Token::Assign) {
                        Some(self.assign()?)
                    } else {
                        None
                    };
                    props.push(PatProp {
                        key,
                        value,
                        default,
                    });
                    if !self.eat(&Token::Comma) {
                        break;
                    }
                }
                self.expect(&Token::RBrace, "`}` to close the pattern")?;
                Ok(Pattern::Object {
                    props,
                    rest,
                    span: start.to(self.prev_span()),
                })
            }
            Token::LBracket => {
                self.bump();
                let mut elems = Vec::new();
                let mut rest = None;
                while !self.at(&Token::RBracket) {
                    if self.eat(&Token::Comma) {
                        elems.push(None);
                        continue;
                    }
                    if self.eat(&Token::Ellipsis) {
                        rest = Some(Box::new(self.binding_pattern()?));
                        break;
                    }
                    let pattern = self.binding_pattern()?;
                    let default = if self.eat(&Token::Assign) {
                        Some(self.assign()?)
                    } else {
                        None
                    };
                    elems.push(Some(PatElem { pattern, default }));
                    if !self.eat(&Token::Comma) {
                        break;
                    }
                }
                self.expect(&Token::RBracket, "`]` to close the pattern")?;
                Ok(Pattern::Array {
                    elems,
                    rest,
                    span: start.to(self.prev_span()),
                })
            }
            _ => self.error_here("a binding name or pattern"),
        }
    }

    /// Turns an expression parsed before `=` (or `of`/`in`) into an assignment target.
    fn to_pattern(&mut self, e: Expr) -> PResult<Pattern> {
        let span = e.span;
        match e.kind {
            ExprKind::Ident(name) if name == "eval" || name == "arguments" => {
                self.error(format!("`{name}` cannot be assigned in strict code"), span)
            }
            ExprKind::Ident(name) if name == IMPORT_META => {
                self.error("`import.meta` cannot be assigned", span)
            }
            ExprKind::Ident(name) => Ok(Pattern::Ident(name, span)),
            ExprKind::Member {
                optional: false, ..
            }
            | ExprKind::Index {
                optional: false, ..
            } => Ok(Pattern::Expr(e)),
            ExprKind::Array(items) => {
                let mut elems = Vec::new();
                let mut rest = None;
                let n = items.len();
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        ArrayElem::Hole => elems.push(None),
                        ArrayElem::Spread(e) if i + 1 == n => {
                            self.check_rest_comma(&e)?;
                            rest = Some(Box::new(self.to_pattern(e)?))
                        }
                        ArrayElem::Spread(e) => {
                            return self.error("a rest element must be last", e.span);
                        }
                        ArrayElem::Expr(e) => elems.push(Some(self.to_elem(e)?)),
                    }
                }
                Ok(Pattern::Array { elems, rest, span })
            }
            ExprKind::Object(items) => {
                let mut props = Vec::new();
                let mut rest = None;
                let n = items.len();
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Prop::Spread(e) if i + 1 == n => {
                            self.check_rest_comma(&e)?;
                            rest = Some(Box::new(self.to_pattern(e)?))
                        }
                        Prop::Spread(e) => {
                            return self.error("a rest property must be last", e.span);
                        }
                        Prop::ShorthandDefault { name, span, .. }
                            if name == "eval" || name == "arguments" =>
                        {
                            return self.error(
                                format!("`{name}` cannot be assigned in strict code"),
                                span,
                            );
                        }
                        Prop::Accessor { value, .. } => {
                            return self.error("invalid destructuring target", value.span);
                        }
                        // In a pattern, `__proto__: x` is a property like any.
                        Prop::Proto(value) => {
                            let PatElem { pattern, default } = self.to_elem(value)?;
                            props.push(PatProp {
                                key: PropKey::Name("__proto__".into()),
                                value: pattern,
                                default,
                            });
                        }
                        Prop::ShorthandDefault {
                            name,
                            default,
                            span,
                        } => props.push(PatProp {
                            key: PropKey::Name(name.clone()),
                            value: Pattern::Ident(name, span),
                            default: Some(default),
                        }),
                        Prop::Init { key, value } => {
                            let PatElem { pattern, default } = self.to_elem(value)?;
                            props.push(PatProp {
                                key,
                                value: pattern,
                                default,
                            });
                        }
                    }
                }
                Ok(Pattern::Object { props, rest, span })
            }
            _ => self.error("invalid assignment target", span),
        }
    }

    /// `[...x,] = …`: a rest element ends the pattern, comma and all.
    fn check_rest_comma(&mut self, e: &Expr) -> PResult<()> {
        if self.comma_after_spread.contains(&e.span.start) {
            return self.error("a rest element cannot be followed by a comma", e.span);
        }
        Ok(())
    }

    fn to_elem(&mut self, e: Expr) -> PResult<PatElem> {
        match e.kind {
            ExprKind::Assign {
                op: AssignOp::Assign,
                target,
                value,
            } => Ok(PatElem {
                pattern: *target,
                default: Some(*value),
            }),
            _ => Ok(PatElem {
                pattern: self.to_pattern(e)?,
                default: None,
            }),
        }
    }

    // ---- expressions ----

    pub fn expr(&mut self) -> PResult<Expr> {
        let first = self.assign()?;
        if !self.at(&Token::Comma) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(&Token::Comma) {
            items.push(self.assign()?);
        }
        let span = items[0].span.to(self.prev_span());
        Ok(Expr {
            kind: ExprKind::Seq(items),
            span,
        })
    }

    fn assign(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = grow(|| self.assign_inner());
        self.leave();
        r
    }

    fn assign_inner(&mut self) -> PResult<Expr> {
        if self.ctx.generator && self.at_ident("yield") {
            return self.yield_expr();
        }
        match self.peek() {
            Token::Ident(_)
                if *self.peek_at(1) == Token::Arrow && !self.toks[self.pos + 1].newline_before =>
            {
                return self.arrow(false);
            }
            Token::LParen if self.paren_is_arrow() => return self.arrow(false),
            Token::Ident("async") if self.at_async_arrow() => return self.arrow(true),
            _ => {}
        }
        let lhs = self.conditional()?;
        let op = match self.peek() {
            Token::Assign => AssignOp::Assign,
            Token::PlusAssign => AssignOp::Binary(BinaryOp::Add),
            Token::MinusAssign => AssignOp::Binary(BinaryOp::Sub),
            Token::StarAssign => AssignOp::Binary(BinaryOp::Mul),
            Token::SlashAssign => AssignOp::Binary(BinaryOp::Div),
            Token::PercentAssign => AssignOp::Binary(BinaryOp::Mod),
            Token::StarStarAssign => AssignOp::Binary(BinaryOp::Pow),
            Token::ShlAssign => AssignOp::Binary(BinaryOp::Shl),
            Token::ShrAssign => AssignOp::Binary(BinaryOp::Shr),
            Token::UShrAssign => AssignOp::Binary(BinaryOp::UShr),
            Token::AmpAssign => AssignOp::Binary(BinaryOp::BitAnd),
            Token::PipeAssign => AssignOp::Binary(BinaryOp::BitOr),
            Token::CaretAssign => AssignOp::Binary(BinaryOp::BitXor),
            Token::AndAssign => AssignOp::Logical(LogicalOp::And),
            Token::OrAssign => AssignOp::Logical(LogicalOp::Or),
            Token::NullishAssign => AssignOp::Logical(LogicalOp::Nullish),
            _ => return Ok(lhs),
        };
        self.bump();
        if let ExprKind::Intrinsic(Intrinsic::SuperGet, args) = &lhs.kind {
            let value = self.assign()?;
            return Ok(super_assign(op, &lhs, args, value));
        }
        let target = if op == AssignOp::Assign {
            self.to_pattern(lhs)?
        } else {
            match lhs.kind {
                ExprKind::Ident(..)
                | ExprKind::Member {
                    optional: false, ..
                }
                | ExprKind::Index {
                    optional: false, ..
                } => self.to_pattern(lhs)?,
                _ => return self.error("invalid target for a compound assignment", lhs.span),
            }
        };
        let value = self.assign()?;
        let span = target.span().to(value.span);
        Ok(Expr {
            kind: ExprKind::Assign {
                op,
                target: Box::new(target),
                value: Box::new(value),
            },
            span,
        })
    }

    fn conditional(&mut self) -> PResult<Expr> {
        let test = self.binary(0)?;
        if !self.eat(&Token::Question) {
            return Ok(test);
        }
        let saved = std::mem::replace(&mut self.no_in, false);
        let cons = self.assign();
        self.no_in = saved;
        let cons = cons?;
        self.expect(&Token::Colon, "`:` in the conditional expression")?;
        let alt = self.assign()?;
        let span = test.span.to(alt.span);
        Ok(Expr {
            kind: ExprKind::Cond(Box::new(test), Box::new(cons), Box::new(alt)),
            span,
        })
    }

    fn binary_op(&self) -> Option<(u8, Result<BinaryOp, LogicalOp>)> {
        use BinaryOp::*;
        Some(match self.peek() {
            Token::Nullish => (1, Err(LogicalOp::Nullish)),
            Token::OrOr => (2, Err(LogicalOp::Or)),
            Token::AndAnd => (3, Err(LogicalOp::And)),
            Token::Pipe => (4, Ok(BitOr)),
            Token::Caret => (5, Ok(BitXor)),
            Token::Amp => (6, Ok(BitAnd)),
            Token::EqEq => (7, Ok(Eq)),
            Token::NotEq => (7, Ok(Ne)),
            Token::EqEqEq => (7, Ok(StrictEq)),
            Token::NotEqEq => (7, Ok(StrictNe)),
            Token::Lt => (8, Ok(Lt)),
            Token::Le => (8, Ok(Le)),
            Token::Gt => (8, Ok(Gt)),
            Token::Ge => (8, Ok(Ge)),
            Token::Instanceof => (8, Ok(Instanceof)),
            Token::In if !self.no_in => (8, Ok(In)),
            Token::Shl => (9, Ok(Shl)),
            Token::Shr => (9, Ok(Shr)),
            Token::UShr => (9, Ok(UShr)),
            Token::Plus => (10, Ok(Add)),
            Token::Minus => (10, Ok(Sub)),
            Token::Star => (11, Ok(Mul)),
            Token::Slash => (11, Ok(Div)),
            Token::Percent => (11, Ok(Mod)),
            Token::StarStar => (12, Ok(Pow)),
            _ => return None,
        })
    }

    fn binary(&mut self, min_prec: u8) -> PResult<Expr> {
        self.binary_tracked(min_prec).map(|(e, _)| e)
    }

    /// A binary expression, and the logical operator its top is made of
    /// when that is not in parentheses: `??` mixes with `||` and `&&` only
    /// through parentheses.
    fn binary_tracked(&mut self, min_prec: u8) -> PResult<(Expr, Option<LogicalOp>)> {
        let unary_first = matches!(
            self.peek(),
            Token::Bang
                | Token::Minus
                | Token::Plus
                | Token::Tilde
                | Token::Typeof
                | Token::Void
                | Token::Delete
        ) || (self.ctx.is_async && self.at_ident("await"));
        let mut left = self.unary()?;
        let mut top: Option<LogicalOp> = None;
        let mut chain = 0;
        while let Some((prec, op)) = self.binary_op() {
            if prec < min_prec {
                break;
            }
            if op == Ok(BinaryOp::Pow) && chain == 0 && unary_first {
                let s = self.span();
                return self.error(
                    "a unary operator before `**` needs parentheses (`(-x) ** 2` or `-(x ** 2)`)",
                    s,
                );
            }
            chain += 1;
            if self.depth + chain > MAX_DEPTH {
                let s = self.span();
                return self.error(
                    format!("expression too long (more than {MAX_DEPTH} operators in a row)"),
                    s,
                );
            }
            self.bump();
            // `**` is right-associative; everything else left-associative.
            let next = if op == Ok(BinaryOp::Pow) {
                prec
            } else {
                prec + 1
            };
            let op_span = self.prev_span();
            self.depth += chain;
            let right = grow(|| self.binary_tracked(next));
            self.depth -= chain;
            let (right, right_top) = right?;
            if let Err(l) = op {
                let nullish = |x: Option<LogicalOp>| x == Some(LogicalOp::Nullish);
                let and_or =
                    |x: Option<LogicalOp>| matches!(x, Some(LogicalOp::And | LogicalOp::Or));
                let mixed = if l == LogicalOp::Nullish {
                    and_or(top) || and_or(right_top)
                } else {
                    nullish(top) || nullish(right_top)
                };
                if mixed {
                    return self.error(
                        "`??` cannot be mixed with `||` or `&&` without parentheses",
                        op_span,
                    );
                }
            }
            let span = left.span.to(right.span);
            let kind = match op {
                Ok(b) => {
                    top = None;
                    ExprKind::Binary(b, Box::new(left), Box::new(right))
                }
                Err(l) => {
                    top = Some(l);
                    ExprKind::Logical(l, Box::new(left), Box::new(right))
                }
            };
            left = Expr { kind, span };
        }
        Ok((left, top))
    }

    fn unary(&mut self) -> PResult<Expr> {
        let start = self.span();
        let op = match self.peek() {
            Token::Bang => UnaryOp::Not,
            Token::Minus => UnaryOp::Neg,
            Token::Plus => UnaryOp::Plus,
            Token::Tilde => UnaryOp::BitNot,
            Token::Typeof => UnaryOp::Typeof,
            Token::Void => UnaryOp::Void,
            Token::Delete => UnaryOp::Delete,
            Token::PlusPlus | Token::MinusMinus => {
                let inc = self.bump() == Token::PlusPlus;
                self.enter()?;
                let target = self.unary();
                self.leave();
                let target = target?;
                self.check_update_target(&target)?;
                let span = start.to(target.span);
                return Ok(Expr {
                    kind: ExprKind::Update {
                        inc,
                        prefix: true,
                        target: Box::new(target),
                    },
                    span,
                });
            }
            Token::Ident("await") if self.ctx.is_async => {
                self.bump();
                self.awaits += 1;
                self.top_level_await |= self.ctx.module_top;
                self.enter()?;
                let arg = self.unary();
                self.leave();
                let arg = arg?;
                let span = start.to(arg.span);
                return Ok(Expr {
                    kind: ExprKind::Await(Box::new(arg)),
                    span,
                });
            }
            _ => return self.postfix(),
        };
        self.bump();
        self.enter()?;
        let e = self.unary();
        self.leave();
        let e = e?;
        let span = start.to(e.span);
        if op == UnaryOp::Delete {
            let mut inner = &e;
            while let ExprKind::OptChain(x) = &inner.kind {
                inner = x;
            }
            if matches!(&inner.kind, ExprKind::Member { name, .. } if name.starts_with('#')) {
                return self.error("private fields cannot be deleted", span);
            }
            if matches!(&inner.kind, ExprKind::Ident(_)) {
                return self.error("a variable cannot be deleted (strict code)", span);
            }
        }
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(e)),
            span,
        })
    }

    fn check_update_target(&mut self, e: &Expr) -> PResult<()> {
        match &e.kind {
            ExprKind::Ident(n) if n == IMPORT_META => {
                self.error("`import.meta` cannot be assigned", e.span)
            }
            ExprKind::Ident(n) if n == "eval" || n == "arguments" => {
                self.error(format!("`{n}` cannot be assigned to (strict code)"), e.span)
            }
            ExprKind::Ident(_)
            | ExprKind::Member {
                optional: false, ..
            }
            | ExprKind::Index {
                optional: false, ..
            } => Ok(()),
            _ => self.error("invalid target for `++` or `--`", e.span),
        }
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let e = self.call_member()?;
        if matches!(self.peek(), Token::PlusPlus | Token::MinusMinus) && !self.newline_before() {
            let inc = self.bump() == Token::PlusPlus;
            self.check_update_target(&e)?;
            let span = e.span.to(self.prev_span());
            return Ok(Expr {
                kind: ExprKind::Update {
                    inc,
                    prefix: false,
                    target: Box::new(e),
                },
                span,
            });
        }
        Ok(e)
    }

    fn args(&mut self) -> PResult<Vec<ArrayElem>> {
        self.expect(&Token::LParen, "`(`")?;
        let saved = std::mem::replace(&mut self.no_in, false);
        let r = self.args_inner();
        self.no_in = saved;
        r
    }

    fn args_inner(&mut self) -> PResult<Vec<ArrayElem>> {
        let mut args = Vec::new();
        while !self.at(&Token::RParen) {
            if self.eat(&Token::Ellipsis) {
                args.push(ArrayElem::Spread(self.assign()?));
            } else {
                args.push(ArrayElem::Expr(self.assign()?));
            }
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        if !self.at(&Token::RParen) {
            return self.error_here("`)` to close the call");
        }
        self.bump();
        Ok(args)
    }

    fn call_member(&mut self) -> PResult<Expr> {
        let mut e = if self.at(&Token::New) {
            self.new_expr()?
        } else {
            self.primary()?
        };
        let mut optional_chain = false;
        let mut chain = 0;
        loop {
            chain += 1;
            if self.depth + chain > MAX_DEPTH {
                let s = self.span();
                return self.error(format!("expression too long (more than {MAX_DEPTH} calls or member accesses in a row)"), s);
            }
            match self.peek() {
                Token::Dot => {
                    self.bump();
                    let Some(name) = self.member_name() else {
                        return self.error_here("a property name after `.`");
                    };
                    let span = e.span.to(self.prev_span());
                    e = Expr {
                        kind: ExprKind::Member {
                            object: Box::new(e),
                            name,
                            optional: false,
                        },
                        span,
                    };
                }
                Token::QuestionDot => {
                    self.bump();
                    optional_chain = true;
                    if self.at(&Token::LParen) {
                        let args = self.args()?;
                        let span = e.span.to(self.prev_span());
                        e = Expr {
                            kind: ExprKind::Call {
                                callee: Box::new(e),
                                args,
                                optional: true,
                            },
                            span,
                        };
                    } else if self.eat(&Token::LBracket) {
                        let index = self.expr_allow_in()?;
                        self.expect(&Token::RBracket, "`]`")?;
                        let span = e.span.to(self.prev_span());
                        e = Expr {
                            kind: ExprKind::Index {
                                object: Box::new(e),
                                index: Box::new(index),
                                optional: true,
                            },
                            span,
                        };
                    } else {
                        let Some(name) = self.member_name() else {
                            return self.error_here("a property name after `?.`");
                        };
                        let span = e.span.to(self.prev_span());
                        e = Expr {
                            kind: ExprKind::Member {
                                object: Box::new(e),
                                name,
                                optional: true,
                            },
                            span,
                        };
                    }
                }
                Token::LBracket => {
                    self.bump();
                    let index = self.expr_allow_in()?;
                    self.expect(&Token::RBracket, "`]` to close the index")?;
                    let span = e.span.to(self.prev_span());
                    e = Expr {
                        kind: ExprKind::Index {
                            object: Box::new(e),
                            index: Box::new(index),
                            optional: false,
                        },
                        span,
                    };
                }
                Token::LParen => {
                    let mut args = self.args()?;
                    let span = e.span.to(self.prev_span());
                    e = match e.kind {
                        // `super.m(…)` calls with this `this`.
                        ExprKind::Intrinsic(Intrinsic::SuperGet, ref parts) => {
                            let this = parts[1].clone();
                            args.splice(0..0, [ArrayElem::Expr(e.clone()), this]);
                            Expr {
                                kind: ExprKind::Intrinsic(Intrinsic::CallWith, args),
                                span,
                            }
                        }
                        _ => Expr {
                            kind: ExprKind::Call {
                                callee: Box::new(e),
                                args,
                                optional: false,
                            },
                            span,
                        },
                    };
                }
                Token::Template(raw) => {
                    let raw: &'s str = raw;
                    let s = self.span();
                    if optional_chain {
                        return self.error("a tagged template cannot follow an optional chain", s);
                    }
                    self.bump();
                    e = self.tagged_template(e, raw, s)?;
                }
                _ => break,
            }
        }
        if optional_chain {
            let span = e.span;
            e = Expr {
                kind: ExprKind::OptChain(Box::new(e)),
                span,
            };
        }
        Ok(e)
    }

    fn expr_allow_in(&mut self) -> PResult<Expr> {
        let saved = std::mem::replace(&mut self.no_in, false);
        let r = self.expr();
        self.no_in = saved;
        r
    }

    fn new_expr(&mut self) -> PResult<Expr> {
        let start = self.span();
        self.bump();
        if self.at_ident("import") && *self.peek_at(1) == Token::LParen {
            let span = self.span();
            return self.error(
                "`import(…)` is not a constructor: `new` cannot call it",
                span,
            );
        }
        if self.at(&Token::Dot) && matches!(self.peek_at(1), Token::Ident("target")) {
            // `new.target`: what the hidden global `%newTarget` reads from
            // the calling frame (vm/builtins/function.rs).
            self.bump();
            self.bump();
            let span = start.to(self.prev_span());
            if self.functions == 0 {
                return self.error("`new.target` is only valid inside a function", span);
            }
            if self.arrows > 0 {
                // In an arrow: the enclosing function's, which it captures.
                self.new_target_captured = true;
                return Ok(Expr {
                    kind: ExprKind::Ident(CAPTURED_NEW_TARGET.into()),
                    span,
                });
            }
            let callee = Expr {
                kind: ExprKind::Ident("%newTarget".into()),
                span,
            };
            return Ok(Expr {
                kind: ExprKind::Call {
                    callee: Box::new(callee),
                    args: Vec::new(),
                    optional: false,
                },
                span,
            });
        }
        self.enter()?;
        let callee = if self.at(&Token::New) {
            self.new_expr()
        } else {
            self.primary()
        };
        self.leave();
        let mut callee = callee?;
        loop {
            if self.eat(&Token::Dot) {
                let Some(name) = self.property_name() else {
                    return self.error_here("a property name after `.`");
                };
                let span = callee.span.to(self.prev_span());
                callee = Expr {
                    kind: ExprKind::Member {
                        object: Box::new(callee),
                        name,
                        optional: false,
                    },
                    span,
                };
            } else if self.eat(&Token::LBracket) {
                let index = self.expr_allow_in()?;
                self.expect(&Token::RBracket, "`]`")?;
                let span = callee.span.to(self.prev_span());
                callee = Expr {
                    kind: ExprKind::Index {
                        object: Box::new(callee),
                        index: Box::new(index),
                        optional: false,
                    },
                    span,
                };
            } else {
                break;
            }
        }
        let args = if self.at(&Token::LParen) {
            self.args()?
        } else {
            Vec::new()
        };
        Ok(Expr {
            kind: ExprKind::New {
                callee: Box::new(callee),
                args,
            },
            span: start.to(self.prev_span()),
        })
    }

    /// A `/` where an expression starts begins a regular expression,
    /// though the lexer, which looks back one token only, took it for a
    /// division (after `await`, `yield` or a block's `}`): the rest of the
    /// tokens are lexed again from it.
    fn relex_regexp(&mut self) {
        let start = self.span().start as usize;
        let end = self
            .toks
            .last()
            .map_or(self.src.len(), |t| t.span.start as usize);
        let newline_before = self.toks[self.pos].newline_before;
        let (mut toks, mut diags) = tokenize(&self.src[start..end], start);
        toks[0].newline_before = newline_before;
        // What the first reading said of these tokens no longer holds.
        self.diags.retain(|d| (d.span.start as usize) < start);
        self.diags.append(&mut diags);
        self.toks.truncate(self.pos);
        self.toks.append(&mut toks);
    }

    fn primary(&mut self) -> PResult<Expr> {
        let span = self.span();
        if let Some(what) = self.later_feature() {
            return self.error(what, span);
        }
        if matches!(self.peek(), Token::Slash | Token::SlashAssign) {
            self.relex_regexp();
        }
        let kind = match self.peek().clone() {
            Token::Number(n) => {
                self.bump();
                ExprKind::Num(n)
            }
            Token::Str(s) => {
                self.bump();
                ExprKind::Str(s)
            }
            Token::Template(raw) => {
                self.bump();
                return self.template(raw, span);
            }
            Token::True => {
                self.bump();
                ExprKind::Bool(true)
            }
            Token::False => {
                self.bump();
                ExprKind::Bool(false)
            }
            Token::Null => {
                self.bump();
                ExprKind::Null
            }
            Token::This => {
                self.bump();
                return Ok(self.this_expr(span));
            }
            Token::Ident("super") => return self.super_expr(span),
            Token::Ident("import")
                if *self.peek_at(1) == Token::Dot
                    && matches!(self.peek_at(2), Token::Ident("meta")) =>
            {
                // `import.meta`: the hidden binding of the module
                // environment the loader fills (and the file a module).
                self.bump();
                self.bump();
                self.bump();
                self.import_meta = true;
                return Ok(Expr {
                    kind: ExprKind::Ident(IMPORT_META.into()),
                    span: span.to(self.prev_span()),
                });
            }
            Token::Ident("import") if *self.peek_at(1) == Token::LParen => {
                return self.import_call(span);
            }
            Token::Ident(raw) if self.ctx.in_field && ident_name(raw) == "arguments" => {
                return self.error(
                    "`arguments` is not allowed in a class field initializer or static block",
                    span,
                );
            }
            Token::Ident("async") if self.at_async_function() => {
                self.bump();
                self.bump();
                let f = self.function_rest(span, false, true)?;
                let span = f.span;
                return Ok(Expr {
                    kind: ExprKind::Function(Rc::new(f)),
                    span,
                });
            }
            Token::Ident(name) => {
                self.bump();
                ExprKind::Ident(self.name_of(name, span)?)
            }
            Token::LParen => {
                self.bump();
                let saved = std::mem::replace(&mut self.no_in, false);
                let e = self.expr();
                self.no_in = saved;
                let mut e = e?;
                self.expect(&Token::RParen, "`)` to close the parenthesis")?;
                // Parentheses end an optional chain's short-circuit: keep the node.
                e.span = span.to(self.prev_span());
                return Ok(e);
            }
            Token::LBracket => return self.array_literal(),
            Token::LBrace => return self.object_literal(),
            Token::Function => {
                self.bump();
                let f = self.function_rest(span, false, false)?;
                let span = f.span;
                return Ok(Expr {
                    kind: ExprKind::Function(Rc::new(f)),
                    span,
                });
            }
            Token::Class => return Ok(self.class(false)?.1),
            Token::PrivateName(n) if *self.peek_at(1) == Token::In => {
                self.bump();
                let n = ident_name(n);
                self.use_private(&n, span);
                ExprKind::PrivateName(n.into_owned())
            }
            Token::RegExp(text) => {
                self.bump();
                return self.regexp_literal(text, span);
            }
            _ => return self.error_here("an expression"),
        };
        Ok(Expr { kind, span })
    }

    /// `/pattern/flags`: checked now, as the specification's early errors
    /// ask (a bad pattern is a SyntaxError before anything runs).
    fn regexp_literal(&mut self, text: &str, span: Span) -> PResult<Expr> {
        let close = text.rfind('/').unwrap();
        let (pattern, flags) = (&text[1..close], &text[close + 1..]);
        if let Err(e) = regexp::Regex::new(pattern, flags) {
            return self.error(&format!("Invalid regular expression: {text}: {e}"), span);
        }
        Ok(Expr {
            kind: ExprKind::RegExp {
                pattern: pattern.to_string(),
                flags: flags.to_string(),
            },
            span,
        })
    }

    fn array_literal(&mut self) -> PResult<Expr> {
        let start = self.span();
        self.bump();
        let saved = std::mem::replace(&mut self.no_in, false);
        let r = (|| {
            let mut items = Vec::new();
            while !self.at(&Token::RBracket) {
                if self.eat(&Token::Comma) {
                    items.push(ArrayElem::Hole);
                    continue;
                }
                if self.eat(&Token::Ellipsis) {
                    let e = self.assign()?;
                    if self.at(&Token::Comma) {
                        self.comma_after_spread.push(e.span.start);
                    }
                    items.push(ArrayElem::Spread(e));
                } else {
                    items.push(ArrayElem::Expr(self.assign()?));
                }
                if !self.eat(&Token::Comma) {
                    break;
                }
            }
            if !self.at(&Token::RBracket) {
                return self.error_here("`,` or `]` in the array literal");
            }
            self.bump();
            Ok(items)
        })();
        self.no_in = saved;
        Ok(Expr {
            kind: ExprKind::Array(r?),
            span: start.to(self.prev_span()),
        })
    }

    /// A method's parameters and body, after its key: a function without a
    /// name (methods are named by the compiler from their key; a `name`
    /// here would bind it inside the body, which methods do not).
    fn method_function(&mut self, key_span: Span) -> PResult<Expr> {
        self.method_function_of(key_span, false, false)
    }

    /// `method_function` for a generator method (`*m() {}`) or not.
    fn method_function_of(
        &mut self,
        key_span: Span,
        is_generator: bool,
        is_async: bool,
    ) -> PResult<Expr> {
        let generator_before = std::mem::replace(&mut self.ctx.generator, is_generator);
        let async_before = std::mem::replace(&mut self.ctx.is_async, is_async);
        let parsed = self.function_body(is_async);
        self.ctx.generator = generator_before;
        self.ctx.is_async = async_before;
        let (params, rest, body) = parsed?;
        let span = key_span.to(self.prev_span());
        let f = Function {
            name: None,
            params,
            rest,
            body,
            is_arrow: false,
            span,
            kind: FnKind::Method,
            is_generator,
            is_async,
            needs_home: false,
        };
        Ok(Expr {
            kind: ExprKind::Function(Rc::new(f)),
            span,
        })
    }

    /// A getter's (no parameters) or setter's (exactly one) function.
    fn accessor_function(&mut self, setter: bool, key_span: Span) -> PResult<Expr> {
        let params_span = self.span();
        let value = self.method_function(key_span)?;
        let ExprKind::Function(f) = &value.kind else {
            unreachable!()
        };
        let n = f.params.len() + f.rest.is_some() as usize;
        if setter && (n != 1 || f.rest.is_some()) {
            return self.error("a setter takes exactly one parameter", params_span);
        }
        if !setter && n != 0 {
            return self.error("a getter takes no parameters", params_span);
        }
        Ok(value)
    }

    fn prop_key(&mut self) -> PResult<PropKey> {
        match self.peek().clone() {
            Token::Str(s) => {
                self.bump();
                Ok(PropKey::Name(s))
            }
            Token::Number(n) => {
                self.bump();
                Ok(PropKey::Name(semantics::number::to_js_string(n)))
            }
            Token::LBracket => {
                self.bump();
                let e = self.assign()?;
                self.expect(&Token::RBracket, "`]` after the computed key")?;
                Ok(PropKey::Computed(e))
            }
            _ => match self.property_name() {
                Some(n) => Ok(PropKey::Name(n)),
                None => self.error_here("a property name"),
            },
        }
    }

    /// `async` starting a method (`async m() {}`, `async *m() {}`), not a
    /// property named `async`.
    fn at_async_method(&self) -> bool {
        self.at_ident("async")
            && !self.toks[self.pos + 1].newline_before
            && !matches!(
                self.peek_at(1),
                Token::Colon
                    | Token::LParen
                    | Token::Comma
                    | Token::RBrace
                    | Token::Assign
                    | Token::Semi
            )
    }

    fn object_literal(&mut self) -> PResult<Expr> {
        let start = self.span();
        self.bump();
        let saved = std::mem::replace(&mut self.no_in, false);
        let r = self.object_props();
        self.no_in = saved;
        Ok(Expr {
            kind: ExprKind::Object(r?),
            span: start.to(self.prev_span()),
        })
    }

    /// A method, getter or setter of an object literal, parsed by `parse`:
    /// `super.x` in it reads the literal's prototype. When it does, the
    /// function starts with `const %home = %HomeObject()` (the literal its
    /// closure carries) and is marked `needs_home`.
    fn literal_method(&mut self, parse: impl FnOnce(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        let method_ctx = FnCtx {
            home: Some(class::LITERAL_HOME),
            ..FnCtx::default()
        };
        let outer = std::mem::replace(&mut self.ctx, method_ctx);
        let used_before = std::mem::replace(&mut self.home_used, false);
        let parsed = parse(self);
        let used = std::mem::replace(&mut self.home_used, used_before);
        self.ctx = outer;
        let mut value = parsed?;
        if let (true, ExprKind::Function(f)) = (used, &mut value.kind) {
            let f = Rc::make_mut(f);
            f.needs_home = true;
            let span = f.span;
            let home = Stmt {
                kind: StmtKind::Var(
                    VarKind::Const,
                    vec![Declarator {
                        pattern: Pattern::Ident(
                            class::LITERAL_HOME.into(),
                            Span {
                                start: span.start,
                                end: span.start,
                            },
                        ),
                        init: Some(Expr {
                            kind: ExprKind::Intrinsic(Intrinsic::HomeObject, Vec::new()),
                            span,
                        }),
                    }],
                ),
                span,
            };
            if let Body::Block(stmts) = &mut f.body {
                stmts.insert(0, home);
            }
        }
        Ok(value)
    }

    fn object_props(&mut self) -> PResult<Vec<Prop>> {
        let mut props = Vec::new();
        while !self.at(&Token::RBrace) {
            if self.eat(&Token::Ellipsis) {
                let e = self.assign()?;
                if self.at(&Token::Comma) {
                    self.comma_after_spread.push(e.span.start);
                }
                props.push(Prop::Spread(e));
            } else if self.at(&Token::Star) {
                let key_span = self.span();
                self.bump();
                let key = self.prop_key()?;
                let value = self.literal_method(|p| p.method_function_of(key_span, true, false));
                props.push(Prop::Init { key, value: value? });
            } else if self.at_async_method() {
                let key_span = self.span();
                self.bump();
                let generator = self.eat(&Token::Star);
                let key = self.prop_key()?;
                let value =
                    self.literal_method(|p| p.method_function_of(key_span, generator, true));
                props.push(Prop::Init { key, value: value? });
            } else {
                let key_span = self.span();
                let was_ident = matches!(self.peek(), Token::Ident(_));
                if (self.at_ident("get") || self.at_ident("set"))
                    && !matches!(
                        self.peek_at(1),
                        Token::Colon | Token::LParen | Token::Comma | Token::RBrace | Token::Assign
                    )
                {
                    let setter = self.at_ident("set");
                    self.bump();
                    let key = self.prop_key()?;
                    let value = self.literal_method(|p| p.accessor_function(setter, key_span))?;
                    props.push(Prop::Accessor { key, setter, value });
                    if !self.eat(&Token::Comma) {
                        break;
                    }
                    continue;
                }
                let key = self.prop_key()?;
                if self.eat(&Token::Colon) {
                    let value = self.assign()?;
                    if key == PropKey::Name("__proto__".into()) {
                        props.push(Prop::Proto(value));
                    } else {
                        props.push(Prop::Init { key, value });
                    }
                } else if self.at(&Token::LParen) {
                    let value = self.literal_method(|p| p.method_function(key_span));
                    props.push(Prop::Init { key, value: value? });
                } else if let (PropKey::Name(name), true) = (&key, was_ident) {
                    self.shorthand_name(name, key_span)?;
                    if self.eat(&Token::Assign) {
                        let default = self.assign()?;
                        props.push(Prop::ShorthandDefault {
                            name: name.clone(),
                            default,
                            span: key_span,
                        });
                    } else {
                        let value = Expr {
                            kind: ExprKind::Ident(name.clone()),
                            span: key_span,
                        };
                        props.push(Prop::Init { key, value });
                    }
                } else {
                    return self.error_here("`:` after the property name");
                }
            }
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        if !self.at(&Token::RBrace) {
            return self.error_here("`,` or `}` in the object literal");
        }
        self.bump();
        Ok(props)
    }

    /// Splits a template literal into cooked strings and substitutions, each
    /// substitution parsed by a sub-parser with spans into the same file.
    fn template(&mut self, raw: &'s str, span: Span) -> PResult<Expr> {
        let (cooked, _, exprs) = self.template_parts(raw, span)?;
        let mut quasis = Vec::with_capacity(cooked.len());
        for c in cooked {
            match c {
                Some(s) => quasis.push(s),
                None => return self.error("invalid escape sequence in template literal", span),
            }
        }
        Ok(Expr {
            kind: ExprKind::Template { quasis, exprs },
            span,
        })
    }

    /// `` tag`a${x}b` ``: `tag(%template(["a", "b"], ["a", "b"]), x)` — the
    /// strings (undefined where an escape is invalid, which a tag may
    /// allow), their raw source text, then the substitutions. A member
    /// tag (`o.m`) is called as a method.
    fn tagged_template(&mut self, tag: Expr, raw: &'s str, span: Span) -> PResult<Expr> {
        let (cooked, raws, exprs) = self.template_parts(raw, span)?;
        let e = |kind: ExprKind| Expr { kind, span };
        let strings = e(ExprKind::Array(
            cooked
                .into_iter()
                .map(|c| ArrayElem::Expr(c.map_or(e(ExprKind::Undefined), |s| e(ExprKind::Str(s)))))
                .collect(),
        ));
        let raw_strings = e(ExprKind::Array(
            raws.into_iter()
                .map(|r| ArrayElem::Expr(e(ExprKind::Str(r))))
                .collect(),
        ));
        let object = e(ExprKind::Call {
            callee: Box::new(e(ExprKind::Ident("%template".into()))),
            args: vec![
                ArrayElem::Expr(strings),
                ArrayElem::Expr(raw_strings),
                ArrayElem::Expr(e(ExprKind::Num(span.start as f64))),
            ],
            optional: false,
        });
        let mut args = vec![ArrayElem::Expr(object)];
        args.extend(exprs.into_iter().map(ArrayElem::Expr));
        let span = tag.span.to(span);
        Ok(Expr {
            kind: ExprKind::Call {
                callee: Box::new(tag),
                args,
                optional: false,
            },
            span,
        })
    }

    /// A template's cooked strings (None where an escape is invalid), raw
    /// strings and substitutions.
    #[allow(clippy::type_complexity)]
    fn template_parts(
        &mut self,
        raw: &'s str,
        span: Span,
    ) -> PResult<(Vec<Option<String>>, Vec<String>, Vec<Expr>)> {
        let base = span.start as usize;
        let body = &raw[1..raw.len() - 1];
        let bytes = body.as_bytes();
        let mut quasis = Vec::new();
        let mut raws = Vec::new();
        let mut exprs = Vec::new();
        let mut chunk_start = 0;
        let mut i = 0;
        let chunk = |quasis: &mut Vec<Option<String>>, raws: &mut Vec<String>, text: &str| {
            let text = text.replace("\r\n", "\n").replace('\r', "\n");
            quasis.push(unescape(&text));
            raws.push(text);
        };
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'$' if bytes.get(i + 1) == Some(&b'{') => {
                    chunk(&mut quasis, &mut raws, &body[chunk_start..i]);
                    let len = scan_substitution(&bytes[i + 2..]).ok_or(())?;
                    let sub_start = i + 2;
                    let sub = &body[sub_start..sub_start + len - 1];
                    let sub_base = base + 1 + sub_start;
                    let (toks, diags) = tokenize(sub, sub_base);
                    let mut p = Parser {
                        src: self.src,
                        toks,
                        pos: 0,
                        diags,
                        no_in: false,
                        depth: self.depth + 1,
                        ctx: self.ctx,
                        home_used: self.home_used,
                        arrows: self.arrows,
                        new_target_captured: self.new_target_captured,
                        private_uses: std::mem::take(&mut self.private_uses),
                        awaits: self.awaits,
                        functions: self.functions,
                        comma_after_spread: Vec::new(),
                        module: self.module,
                        import_meta: false,
                        top_level_await: false,
                        dynamic: Vec::new(),
                    };
                    let e = if p.at(&Token::Eof) {
                        p.error(
                            "expected an expression inside `${}`",
                            Span::new(sub_base, sub_base + sub.len()),
                        )
                    } else {
                        p.expr()
                    };
                    if e.is_ok() && !p.at(&Token::Eof) {
                        let _ = p.error_here::<()>("`}` to close the substitution");
                    }
                    self.private_uses = std::mem::take(&mut p.private_uses);
                    self.awaits = p.awaits;
                    self.home_used = p.home_used;
                    self.new_target_captured = p.new_target_captured;
                    self.import_meta |= p.import_meta;
                    self.top_level_await |= p.top_level_await;
                    self.dynamic.append(&mut p.dynamic);
                    let failed = !p.diags.is_empty();
                    self.diags.append(&mut p.diags);
                    if failed {
                        return Err(());
                    }
                    exprs.push(e?);
                    i = sub_start + len;
                    chunk_start = i;
                }
                _ => i += 1,
            }
        }
        chunk(&mut quasis, &mut raws, &body[chunk_start..]);
        Ok((quasis, raws, exprs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<String> {
        let (_, d) = parse_program(src);
        let f = crate::source::SourceFile::new("t.js", src);
        d.iter().map(|d| d.short(&f)).collect()
    }

    #[test]
    fn parses_a_handler() {
        let src = "const { a, b: [c = 1, ...d] } = req; const f = (x, y = 2) => x + y * 2 ** 3; f?.(a)?.b;";
        let (p, d) = parse_program(src);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.body.len(), 3);
    }

    #[test]
    fn resynchronises_per_statement() {
        assert_eq!(
            errors("let a = ;\nlet b = 1;\nfoo(1, ;\n"),
            vec![
                "1:9: expected an expression, found `;`",
                "3:8: expected an expression, found `;`",
            ]
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "(".repeat(100_000);
        assert!(!errors(&src).is_empty());
        let src = format!("x = {}1;", "1+".repeat(100_000));
        assert!(!errors(&src).is_empty());
    }

    #[test]
    fn template_substitutions_keep_file_positions() {
        assert_eq!(
            errors("let s = `a${1 +}`;"),
            vec!["1:16: expected an expression, found end of input"]
        );
    }
}

/// Whether `name` is reserved in strict code (which all Kitwork code is):
/// the keywords, the future reserved words and the strict-only ones.
fn is_reserved_word(name: &str) -> bool {
    matches!(
        name,
        "break"
            | "case"
            | "catch"
            | "class"
            | "const"
            | "continue"
            | "debugger"
            | "default"
            | "delete"
            | "do"
            | "else"
            | "enum"
            | "export"
            | "extends"
            | "false"
            | "finally"
            | "for"
            | "function"
            | "if"
            | "import"
            | "in"
            | "instanceof"
            | "new"
            | "null"
            | "return"
            | "super"
            | "switch"
            | "this"
            | "throw"
            | "true"
            | "try"
            | "typeof"
            | "var"
            | "void"
            | "while"
            | "with"
            | "yield"
            | "let"
            | "static"
            | "implements"
            | "interface"
            | "package"
            | "private"
            | "protected"
            | "public"
    )
}

/// `super.x = value` and its compound forms, `read` being `super.x`'s
/// `SuperGet` of `args`: a `SuperSet` of the value computed from it.
fn super_assign(op: AssignOp, read: &Expr, args: &[ArrayElem], value: Expr) -> Expr {
    let span = read.span.to(value.span);
    let e = |kind| Expr { kind, span };
    let set = |v: Expr| {
        let mut all = args.to_vec();
        all.push(ArrayElem::Expr(v));
        e(ExprKind::Intrinsic(Intrinsic::SuperSet, all))
    };
    match op {
        AssignOp::Assign => set(value),
        AssignOp::Binary(b) => set(e(ExprKind::Binary(
            b,
            Box::new(read.clone()),
            Box::new(value),
        ))),
        AssignOp::Logical(l) => e(ExprKind::Logical(
            l,
            Box::new(read.clone()),
            Box::new(set(value)),
        )),
    }
}
