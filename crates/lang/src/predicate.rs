//! Lambda predicates to SQL. `q.where(u => u.age >= min && u.city == city)`
//! is rewritten as the file is parsed into
//! `q.whereRaw("(\"age\" >= ? AND \"city\" = ?)", [min, city])`: the SQL
//! text is a constant, and the values are ordinary expressions evaluated
//! where the lambda stood, then bound as parameters. A request pays nothing
//! to translate it, and a lambda that has no SQL meaning is a compile error
//! pointing at the part that cannot be translated.
//!
//! Translated: columns as `row.column`; values that do not mention the row
//! (literals, variables, members, arithmetic, templates); `== === != !==
//! < <= > >=`; `== null` as `IS NULL`; `&& || !`; a bare `row.flag`.

use super::ast::{
    ArrayElem, BinaryOp, Body, Expr, ExprKind, LogicalOp, Pattern, StmtKind, UnaryOp,
};
use super::diag::Diagnostic;
use super::source::Span;

/// For a call `callee(args)`: `None` when it is not a `where`/`orWhere`
/// call with a one-parameter arrow; else the rewritten callee and
/// arguments, or why the lambda cannot be translated.
pub fn translate(
    callee: &Expr,
    args: &[ArrayElem],
) -> Option<Result<(Expr, Vec<ArrayElem>), Diagnostic>> {
    let ExprKind::Member {
        object,
        name,
        optional: false,
    } = &callee.kind
    else {
        return None;
    };
    let raw = match name.as_str() {
        "where" => "whereRaw",
        "orWhere" => "orWhereRaw",
        _ => return None,
    };
    let [ArrayElem::Expr(arg)] = args else {
        return None;
    };
    let ExprKind::Function(f) = &arg.kind else {
        return None;
    };
    if !f.is_arrow || f.params.len() != 1 || f.rest.is_some() || f.params[0].default.is_some() {
        return None;
    }
    let Pattern::Ident(row, _) = &f.params[0].pattern else {
        return None;
    };
    let body = match &f.body {
        Body::Expr(e) => e,
        Body::Block(stmts) => match stmts.as_slice() {
            [s] => match &s.kind {
                StmtKind::Return(Some(e)) => e,
                _ => {
                    return Some(Err(untranslatable(
                        s.span,
                        "only `return condition;` can be translated",
                    )));
                }
            },
            _ => {
                return Some(Err(untranslatable(
                    f.span,
                    "only a single condition can be translated",
                )));
            }
        },
    };
    let mut t = Translator {
        row,
        sql: String::new(),
        values: Vec::new(),
    };
    if let Err(d) = t.condition(body) {
        return Some(Err(d));
    }
    let span = arg.span;
    let method = Expr {
        kind: ExprKind::Member {
            object: object.clone(),
            name: raw.to_string(),
            optional: false,
        },
        span: callee.span,
    };
    let values = t.values.into_iter().map(ArrayElem::Expr).collect();
    let args = vec![
        ArrayElem::Expr(Expr {
            kind: ExprKind::Str(t.sql),
            span,
        }),
        ArrayElem::Expr(Expr {
            kind: ExprKind::Array(values),
            span,
        }),
    ];
    Some(Ok((method, args)))
}

fn untranslatable(span: Span, why: &str) -> Diagnostic {
    Diagnostic::new(
        format!("this where() lambda cannot be translated to SQL: {why}"),
        span,
    )
    .with_note(
        "a where() lambda compares the row's columns (row.column) with values, joined with && || !",
    )
}

/// One side of a comparison.
enum Operand<'e> {
    Column(&'e str),
    Null,
    Value(&'e Expr),
}

struct Translator<'a> {
    row: &'a str,
    sql: String,
    values: Vec<Expr>,
}

impl Translator<'_> {
    fn condition(&mut self, e: &Expr) -> Result<(), Diagnostic> {
        match &e.kind {
            ExprKind::Logical(op @ (LogicalOp::And | LogicalOp::Or), a, b) => {
                self.sql.push('(');
                self.condition(a)?;
                self.sql.push_str(if *op == LogicalOp::And {
                    " AND "
                } else {
                    " OR "
                });
                self.condition(b)?;
                self.sql.push(')');
                Ok(())
            }
            ExprKind::Unary(UnaryOp::Not, x) => {
                self.sql.push_str("NOT (");
                self.condition(x)?;
                self.sql.push(')');
                Ok(())
            }
            ExprKind::Binary(op, a, b) => {
                let sql_op = match op {
                    BinaryOp::Eq | BinaryOp::StrictEq => "=",
                    BinaryOp::Ne | BinaryOp::StrictNe => "<>",
                    BinaryOp::Lt => "<",
                    BinaryOp::Le => "<=",
                    BinaryOp::Gt => ">",
                    BinaryOp::Ge => ">=",
                    _ => {
                        return Err(untranslatable(
                            e.span,
                            "this operator has no SQL translation",
                        ));
                    }
                };
                let (l, r) = (self.operand(a)?, self.operand(b)?);
                match (&l, &r) {
                    (Operand::Column(c), Operand::Null) | (Operand::Null, Operand::Column(c)) => {
                        self.column(c);
                        match sql_op {
                            "=" => self.sql.push_str(" IS NULL"),
                            "<>" => self.sql.push_str(" IS NOT NULL"),
                            _ => {
                                return Err(untranslatable(
                                    e.span,
                                    "null can only be compared with == or !=",
                                ));
                            }
                        }
                        Ok(())
                    }
                    (Operand::Column(_), _) | (_, Operand::Column(_)) => {
                        self.side(l);
                        self.sql.push(' ');
                        self.sql.push_str(sql_op);
                        self.sql.push(' ');
                        self.side(r);
                        Ok(())
                    }
                    _ => Err(untranslatable(
                        e.span,
                        format!("this comparison uses no column of `{}`", self.row).as_str(),
                    )),
                }
            }
            ExprKind::Member { .. } => match self.operand(e)? {
                Operand::Column(c) => {
                    self.column(c);
                    Ok(())
                }
                _ => Err(untranslatable(e.span, "a condition must compare a column")),
            },
            _ => Err(untranslatable(
                e.span,
                "only comparisons joined with && || ! can be translated",
            )),
        }
    }

    fn column(&mut self, c: &str) {
        self.sql.push('"');
        self.sql.push_str(c);
        self.sql.push('"');
    }

    fn side(&mut self, o: Operand) {
        match o {
            Operand::Column(c) => self.column(c),
            Operand::Null => self.sql.push_str("NULL"),
            Operand::Value(v) => {
                self.sql.push('?');
                self.values.push(v.clone());
            }
        }
    }

    fn operand<'e>(&self, e: &'e Expr) -> Result<Operand<'e>, Diagnostic> {
        if let ExprKind::Member { object, name, .. } = &e.kind {
            if matches!(&object.kind, ExprKind::Ident(n) if n == self.row) {
                let plain = name
                    .chars()
                    .next()
                    .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
                    && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
                if !plain {
                    return Err(untranslatable(
                        e.span,
                        "column names are letters, digits and _",
                    ));
                }
                return Ok(Operand::Column(name));
            }
        }
        if matches!(e.kind, ExprKind::Null | ExprKind::Undefined) {
            return Ok(Operand::Null);
        }
        self.check_value(e)?;
        Ok(Operand::Value(e))
    }

    /// A value side must not depend on the row, and must not run code.
    fn check_value(&self, e: &Expr) -> Result<(), Diagnostic> {
        match &e.kind {
            ExprKind::Ident(n) if n == self.row => Err(untranslatable(
                e.span,
                format!("`{}` can only be used as `{}.column`", self.row, self.row).as_str(),
            )),
            ExprKind::Call { .. } | ExprKind::New { .. } => Err(untranslatable(
                e.span,
                "calls are not translated (compute the value before the query)",
            )),
            ExprKind::Function(_) => Err(untranslatable(e.span, "functions cannot be translated")),
            ExprKind::Assign { .. } | ExprKind::Update { .. } => {
                Err(untranslatable(e.span, "assignments cannot be translated"))
            }
            ExprKind::Template { exprs, .. } | ExprKind::Seq(exprs) => {
                exprs.iter().try_for_each(|x| self.check_value(x))
            }
            ExprKind::Array(elems) => elems.iter().try_for_each(|x| match x {
                ArrayElem::Expr(e) | ArrayElem::Spread(e) => self.check_value(e),
                ArrayElem::Hole => Ok(()),
            }),
            ExprKind::Object(_) => Err(untranslatable(
                e.span,
                "object literals cannot be compared in SQL",
            )),
            ExprKind::Unary(UnaryOp::Delete, _) => {
                Err(untranslatable(e.span, "delete cannot be translated"))
            }
            ExprKind::Unary(_, x) | ExprKind::OptChain(x) => self.check_value(x),
            ExprKind::Member { object, .. } => self.check_value(object),
            ExprKind::Index { object, index, .. } => {
                self.check_value(object)?;
                self.check_value(index)
            }
            ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) => {
                self.check_value(a)?;
                self.check_value(b)
            }
            ExprKind::Cond(a, b, c) => {
                self.check_value(a)?;
                self.check_value(b)?;
                self.check_value(c)
            }
            _ => Ok(()),
        }
    }
}
