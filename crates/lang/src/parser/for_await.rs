//! `for await (head of iterable) body` in an async function or a
//! module's top level: parsed into `StmtKind::ForAwait`, which the
//! compiler turns into its loop (compile/for_await.rs).

use super::*;

impl Parser<'_> {
    /// After `for await (`: the head, `of`, the iterable, `)` and the body.
    pub(super) fn for_await(&mut self, start: Span) -> PResult<Stmt> {
        let head = if matches!(self.peek(), Token::Let | Token::Const | Token::Var) {
            let kind = self.var_kind();
            ForHead::Decl(kind, self.binding_pattern()?)
        } else {
            let e = self.postfix()?;
            ForHead::Target(self.to_pattern(e)?)
        };
        if !self.at_ident("of") {
            return self.error_here("`of` after the head of `for await`");
        }
        self.bump();
        let iter = self.assign()?;
        self.expect(&Token::RParen, "`)` to close the loop header")?;
        let body = Box::new(self.sub_statement()?);
        if let ForHead::Decl(VarKind::Let | VarKind::Const, p) = &head {
            let mut names = Vec::new();
            crate::resolve::pattern_names(p, &mut names);
            self.check_head_names(&names, std::slice::from_ref(&*body), false)?;
        }
        Ok(Stmt {
            kind: StmtKind::ForAwait { head, iter, body },
            span: start.to(self.prev_span()),
        })
    }
}
