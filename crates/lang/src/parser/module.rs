//! `import` and `export` declarations at a file's top level, into the
//! program's `ModuleRecord`. What `export` wraps (`export const x = 1`,
//! `export function f() {}`, `export default …`) also stays in the body as
//! the declaration it is; `export default expression` declares the hidden
//! binding `*default*`. And `import(…)` calls, whose literal specifiers
//! the graph loads too.

use super::*;

impl<'s> Parser<'s> {
    /// At an `import` declaration (not `import(…)` nor `import.meta`).
    pub(super) fn at_import_declaration(&self) -> bool {
        matches!(self.peek(), Token::Ident("import"))
            && !matches!(self.peek_at(1), Token::LParen | Token::Dot)
    }

    /// At an `export` declaration.
    pub(super) fn at_export_declaration(&self) -> bool {
        matches!(self.peek(), Token::Ident("export"))
    }

    /// `import "m";`, `import d from "m";`, `import * as ns from "m";`,
    /// `import d, { a, b as c, "d-e" as f } from "m" with { type: "json" };`
    pub(super) fn import_declaration(&mut self, module: &mut ModuleRecord) -> PResult<()> {
        module.declared = true;
        let start = self.span();
        self.bump();
        let mut bindings = Vec::new();
        if !matches!(self.peek(), Token::Str(_)) {
            self.import_clause(&mut bindings)?;
            self.contextual("from", "`from` and the module to import")?;
        }
        let request = self.module_request()?;
        self.semicolon()?;
        module.imports.push(Import {
            request,
            bindings,
            span: start.to(self.prev_span()),
        });
        Ok(())
    }

    /// What an import binds: `d`, `* as ns`, `{ … }`, or `d` with one of
    /// the other two.
    fn import_clause(&mut self, bindings: &mut Vec<ImportBinding>) -> PResult<()> {
        if let Token::Ident(_) = self.peek() {
            let (local, span) = self.ident()?;
            bindings.push(ImportBinding {
                imported: ImportName::Name("default".to_string()),
                local,
                span,
            });
            if !self.eat(&Token::Comma) {
                return Ok(());
            }
        }
        if self.eat(&Token::Star) {
            self.contextual("as", "`as` after `import *`")?;
            let (local, span) = self.ident()?;
            bindings.push(ImportBinding {
                imported: ImportName::Namespace,
                local,
                span,
            });
            Ok(())
        } else if self.at(&Token::LBrace) {
            self.named_imports(bindings)
        } else {
            self.error_here("`{`, `*` or a name to import")
        }
    }

    /// `{ a, b as c, default as d, "e-f" as g }`.
    fn named_imports(&mut self, bindings: &mut Vec<ImportBinding>) -> PResult<()> {
        self.bump();
        while !self.at(&Token::RBrace) {
            let span = self.span();
            let is_string = matches!(self.peek(), Token::Str(_));
            let (imported, _) = self.module_export_name()?;
            let (local, local_span) = if self.eat_contextual("as") {
                self.ident()?
            } else if is_string || is_reserved_word(&imported) {
                return self.error_here(&format!("`as` and a local name for `{imported}`"));
            } else {
                // The name itself is the binding: it must be one.
                (self.name_of(&imported, span)?, span)
            };
            bindings.push(ImportBinding {
                imported: ImportName::Name(imported),
                local,
                span: span.to(local_span),
            });
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::RBrace, "`}` to close the imported names")?;
        Ok(())
    }

    /// `export …`: a declaration, `default`, a list of names (from another
    /// module or this one), or `*`.
    pub(super) fn export_declaration(
        &mut self,
        body: &mut Vec<Stmt>,
        module: &mut ModuleRecord,
    ) -> PResult<()> {
        module.declared = true;
        let start = self.span();
        self.bump();
        match self.peek().clone() {
            Token::Star => {
                self.bump();
                let alias = if self.eat_contextual("as") {
                    Some(self.module_export_name()?.0)
                } else {
                    None
                };
                self.contextual("from", "`from` and the module to export from")?;
                let request = self.module_request()?;
                self.semicolon()?;
                let span = start.to(self.prev_span());
                module.exports.push(match alias {
                    Some(exported) => Export::Indirect {
                        exported,
                        imported: ImportName::Namespace,
                        request,
                        span,
                    },
                    None => Export::Star { request, span },
                });
                Ok(())
            }
            Token::LBrace => self.export_names(module),
            Token::Default => {
                self.bump();
                self.export_default(start, body, module)
            }
            Token::Var | Token::Let | Token::Const | Token::Function | Token::Class => {
                self.export_declared(start, body, module)
            }
            Token::Ident("async") if self.at_async_function() => {
                self.export_declared(start, body, module)
            }
            _ => self.error_here("a declaration, `default`, `{` or `*` after `export`"),
        }
    }

    /// `export { a, b as c };` or `export { a as b, default } from "m";`
    fn export_names(&mut self, module: &mut ModuleRecord) -> PResult<()> {
        self.bump();
        let mut names = Vec::new();
        while !self.at(&Token::RBrace) {
            let span = self.span();
            let is_string = matches!(self.peek(), Token::Str(_));
            let (local, _) = self.module_export_name()?;
            let exported = if self.eat_contextual("as") {
                self.module_export_name()?.0
            } else {
                local.clone()
            };
            names.push((local, exported, span.to(self.prev_span()), is_string));
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::RBrace, "`}` to close the exported names")?;
        if self.eat_contextual("from") {
            let request = self.module_request()?;
            self.semicolon()?;
            for (imported, exported, span, _) in names {
                module.exports.push(Export::Indirect {
                    exported,
                    imported: ImportName::Name(imported),
                    request: request.clone(),
                    span,
                });
            }
            return Ok(());
        }
        self.semicolon()?;
        for (local, exported, span, is_string) in names {
            // Without `from` the names are this module's bindings.
            if is_string || is_reserved_word(&local) {
                return self.error(
                    format!("`{local}` is not a binding of this module; only `export {{ … }} from` may name it"),
                    span,
                );
            }
            module.exports.push(Export::Local {
                exported,
                local,
                span,
            });
        }
        Ok(())
    }

    /// `export var/let/const …`, `export [async] function …`, `export class …`:
    /// the declaration goes into the body, each name it binds is exported.
    fn export_declared(
        &mut self,
        start: Span,
        body: &mut Vec<Stmt>,
        module: &mut ModuleRecord,
    ) -> PResult<()> {
        let stmt = self.statement()?;
        let mut names = Vec::new();
        match &stmt.kind {
            StmtKind::Var(_, decls) => {
                for d in decls {
                    crate::resolve::pattern_names(&d.pattern, &mut names);
                }
            }
            StmtKind::Function(f) => names.extend(f.name.clone().map(|n| (n, stmt.span))),
            _ => return self.error("expected a declaration after `export`", stmt.span),
        }
        let span = start.to(stmt.span);
        for (name, _) in names {
            module.exports.push(Export::Local {
                exported: name.clone(),
                local: name,
                span,
            });
        }
        body.push(stmt);
        Ok(())
    }

    /// `export default function [f]() {}`, `export default class [C] {}`,
    /// `export default expression;`.
    fn export_default(
        &mut self,
        start: Span,
        body: &mut Vec<Stmt>,
        module: &mut ModuleRecord,
    ) -> PResult<()> {
        let decl_start = self.span();
        let is_function = self.at(&Token::Function) || self.at_async_function();
        let local = if is_function {
            let is_async = !self.at(&Token::Function);
            if is_async {
                self.bump();
            }
            self.bump();
            let named = matches!(self.peek(), Token::Ident(_))
                || self.at(&Token::Star) && matches!(self.peek_at(1), Token::Ident(_));
            let mut f = if named {
                self.function_rest(decl_start, true, is_async)?
            } else {
                self.function_rest(decl_start, false, is_async)?
            };
            let local = f.name.clone().unwrap_or_else(|| {
                f.name = Some(DEFAULT_BINDING.to_string());
                DEFAULT_BINDING.to_string()
            });
            body.push(Stmt {
                kind: StmtKind::Function(Rc::new(f)),
                span: decl_start.to(self.prev_span()),
            });
            local
        } else {
            let (name, value) = if self.at(&Token::Class) {
                let (name, value) = self.class(false)?;
                (name, value)
            } else {
                let value = self.assign()?;
                self.semicolon()?;
                (None, value)
            };
            let (local, span) = name.unwrap_or((DEFAULT_BINDING.to_string(), decl_start));
            body.push(Stmt {
                span: decl_start.to(self.prev_span()),
                kind: StmtKind::Var(
                    VarKind::Let,
                    vec![Declarator {
                        pattern: Pattern::Ident(local.clone(), span),
                        init: Some(value),
                    }],
                ),
            });
            local
        };
        module.exports.push(Export::Local {
            exported: "default".to_string(),
            local,
            span: start.to(self.prev_span()),
        });
        Ok(())
    }

    /// `"specifier"` and its attributes: `with { type: "json" }`.
    fn module_request(&mut self) -> PResult<ModuleRequest> {
        let span = self.span();
        let Token::Str(specifier) = self.peek().clone() else {
            return self.error_here("the module's name, a string");
        };
        self.bump();
        let mut attributes = Vec::new();
        if !self.newline_before() && self.eat_contextual("with") {
            self.expect(&Token::LBrace, "`{` to open the import attributes")?;
            while !self.at(&Token::RBrace) {
                let key_span = self.span();
                let (key, _) = self.module_export_name()?;
                self.expect(&Token::Colon, "`:` after the attribute's name")?;
                let Token::Str(value) = self.peek().clone() else {
                    return self.error_here("the attribute's value, a string");
                };
                self.bump();
                if attributes.iter().any(|(k, _)| *k == key) {
                    return self.error(
                        format!("the import attribute `{key}` is given twice"),
                        key_span,
                    );
                }
                attributes.push((key, value));
                if !self.eat(&Token::Comma) {
                    break;
                }
            }
            self.expect(&Token::RBrace, "`}` to close the import attributes")?;
        }
        Ok(ModuleRequest {
            specifier,
            attributes,
            span,
        })
    }

    /// An IdentifierName or a string (`export { a as "b-c" }`).
    fn module_export_name(&mut self) -> PResult<(String, Span)> {
        let span = self.span();
        if let Token::Str(s) = self.peek().clone() {
            let raw = &self.src[span.start as usize..span.end as usize];
            if spells_lone_surrogate(raw) {
                return self.error("a module's export name may not hold a lone surrogate", span);
            }
            self.bump();
            return Ok((s, span));
        }
        match self.property_name() {
            Some(n) => Ok((n, span)),
            None => self.error_here("a name"),
        }
    }

    /// Consumes the contextual keyword `word` (`as`, `from`, `with`), if next.
    fn eat_contextual(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Token::Ident(w) if *w == word) {
            self.bump();
            return true;
        }
        false
    }

    /// Requires the contextual keyword `word`.
    fn contextual(&mut self, word: &str, expected: &str) -> PResult<()> {
        if self.eat_contextual(word) {
            Ok(())
        } else {
            self.error_here(expected)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(src: &str) -> (Program, Vec<String>) {
        let (p, d) = parse_program(src);
        let f = crate::source::SourceFile::new("t.js", src);
        (p, d.iter().map(|d| d.short(&f)).collect())
    }

    /// Each import as `specifier: imported->local, …`.
    fn imports(src: &str) -> Vec<String> {
        let (p, d) = record(src);
        assert!(d.is_empty(), "{d:?}");
        p.module
            .imports
            .iter()
            .map(|i| {
                let names: Vec<String> = i
                    .bindings
                    .iter()
                    .map(|b| match &b.imported {
                        ImportName::Namespace => format!("*->{}", b.local),
                        ImportName::Name(n) => format!("{n}->{}", b.local),
                    })
                    .collect();
                let attrs: Vec<String> = i
                    .request
                    .attributes
                    .iter()
                    .map(|(k, v)| format!(" {k}={v}"))
                    .collect();
                format!(
                    "{}:{}{}",
                    i.request.specifier,
                    names.join(","),
                    attrs.join("")
                )
            })
            .collect()
    }

    /// Each export as `exported<-local`, `exported<-specifier:name` or `*<-specifier`.
    fn exports(src: &str) -> Vec<String> {
        let (p, d) = record(src);
        assert!(d.is_empty(), "{d:?}");
        p.module
            .exports
            .iter()
            .map(|e| match e {
                Export::Local {
                    exported, local, ..
                } => format!("{exported}<-{local}"),
                Export::Indirect {
                    exported,
                    imported,
                    request,
                    ..
                } => {
                    let from = match imported {
                        ImportName::Namespace => "*".to_string(),
                        ImportName::Name(n) => n.clone(),
                    };
                    format!("{exported}<-{}:{from}", request.specifier)
                }
                Export::Star { request, .. } => format!("*<-{}", request.specifier),
            })
            .collect()
    }

    #[test]
    fn every_import_form() {
        assert_eq!(
            imports(
                r#"import "./side.js";
import d from "./a.js";
import * as ns from "./b.js";
import { x, y as z, default as w, "e-f" as g, } from "./c.js";
import d2, { q } from "./d.js";
import d3, * as ns3 from "./e.js";
import data from "./data.json" with { type: "json" };"#
            ),
            vec![
                "./side.js:",
                "./a.js:default->d",
                "./b.js:*->ns",
                "./c.js:x->x,y->z,default->w,e-f->g",
                "./d.js:default->d2,q->q",
                "./e.js:default->d3,*->ns3",
                "./data.json:default->data type=json",
            ]
        );
    }

    #[test]
    fn every_export_form_and_the_declarations_stay_in_the_body() {
        let src = r#"export const a = 1, { b, c: [d] } = o;
export let e;
export function f() {}
export async function g() {}
export class C {}
const h = 1, i = 2;
export { h, i as j, h as "k-l" };
export { m, n as default } from "./other.js";
export * from "./all.js";
export * as ns from "./ns.js";
export default 1 + 2;"#;
        assert_eq!(
            exports(src),
            vec![
                "a<-a",
                "b<-b",
                "d<-d",
                "e<-e",
                "f<-f",
                "g<-g",
                "C<-C",
                "h<-h",
                "j<-i",
                "k-l<-h",
                "m<-./other.js:m",
                "default<-./other.js:n",
                "*<-./all.js",
                "ns<-./ns.js:*",
                "default<-*default*",
            ]
        );
        let (p, _) = record(src);
        // const, let, function, async function, class, const, the default's binding.
        assert_eq!(p.body.len(), 7);
    }

    #[test]
    fn default_functions_and_classes_keep_or_get_a_binding() {
        assert_eq!(
            exports("export default function named() {}"),
            vec!["default<-named"]
        );
        assert_eq!(
            exports("export default function () {}"),
            vec!["default<-*default*"]
        );
        assert_eq!(
            exports("export default async function () {}"),
            vec!["default<-*default*"]
        );
        assert_eq!(
            exports("export default class Named {}"),
            vec!["default<-Named"]
        );
        assert_eq!(
            exports("export default class {}"),
            vec!["default<-*default*"]
        );
    }

    #[test]
    fn mistakes_are_diagnosed_where_they_are() {
        let errors = |src: &str| record(src).1;
        assert_eq!(
            errors("{ import x from \"./x.js\"; }"),
            vec!["1:3: `import` and `export` may only appear at a file's top level"]
        );
        assert_eq!(
            errors("import { \"a-b\" } from \"./x.js\";"),
            vec!["1:16: expected `as` and a local name for `a-b`, found `}`"]
        );
        assert_eq!(
            errors("export { \"a-b\" };"),
            vec![
                "1:10: `a-b` is not a binding of this module; only `export { … } from` may name it"
            ]
        );
        assert_eq!(
            errors("import x from;"),
            vec!["1:14: expected the module's name, a string, found `;`"]
        );
        assert_eq!(
            errors("import d from \"./d.json\" with { type: \"json\", type: \"json\" };"),
            vec!["1:47: the import attribute `type` is given twice"]
        );
        assert_eq!(
            errors("export 1;"),
            vec![
                "1:8: expected a declaration, `default`, `{` or `*` after `export`, found a number"
            ]
        );
    }
}

impl Parser<'_> {
    /// `import(specifier)` or `import(specifier, options)`, from `import`.
    /// The string literals in the specifier name the modules the graph
    /// loads for it.
    pub(super) fn import_call(&mut self, start: Span) -> PResult<Expr> {
        self.bump();
        self.bump();
        let no_in = std::mem::replace(&mut self.no_in, false);
        let parsed = self.import_call_arguments();
        self.no_in = no_in;
        let (specifier, options) = parsed?;
        self.expect(&Token::RParen, "`)` to close `import(`")?;
        literal_specifiers(&specifier, &mut self.dynamic);
        Ok(Expr {
            kind: ExprKind::ImportCall {
                specifier: Box::new(specifier),
                options: options.map(Box::new),
            },
            span: start.to(self.prev_span()),
        })
    }

    fn import_call_arguments(&mut self) -> PResult<(Expr, Option<Expr>)> {
        let specifier = self.assign()?;
        if !self.eat(&Token::Comma) || self.at(&Token::RParen) {
            return Ok((specifier, None));
        }
        let options = self.assign()?;
        self.eat(&Token::Comma);
        Ok((specifier, Some(options)))
    }
}

/// The string literals a specifier can evaluate to: itself, or the
/// branches of a conditional or logical expression.
fn literal_specifiers(e: &Expr, out: &mut Vec<(String, Span)>) {
    match &e.kind {
        ExprKind::Str(s) => out.push((s.clone(), e.span)),
        ExprKind::Template { quasis, exprs } if exprs.is_empty() => {
            out.push((quasis[0].clone(), e.span));
        }
        ExprKind::Cond(_, a, b) | ExprKind::Logical(_, a, b) => {
            literal_specifiers(a, out);
            literal_specifiers(b, out);
        }
        _ => {}
    }
}

/// Whether a string literal's source spells a lone surrogate (`"\uD83D"`),
/// which an export name may not hold (IsStringWellFormedUnicode). The
/// decoded text cannot tell: a lone surrogate is U+FFFD in it.
fn spells_lone_surrogate(raw: &str) -> bool {
    let mut high = false;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        let unit = match c {
            '\\' => match chars.next() {
                Some('u') => escaped_unit(&mut chars),
                _ => None,
            },
            _ => None,
        };
        match unit {
            Some(0xD800..=0xDBFF) if !high => high = true,
            Some(0xDC00..=0xDFFF) if high => high = false,
            Some(0xD800..=0xDFFF) => return true,
            _ if high => return true,
            _ => {}
        }
    }
    high
}

/// The code unit or point of a `\u` escape after the `u`: `XXXX` or `{X…}`.
fn escaped_unit(chars: &mut std::str::Chars) -> Option<u32> {
    let rest = chars.as_str();
    let (digits, used) = match rest.strip_prefix('{') {
        Some(braced) => {
            let end = braced.find('}')?;
            (&braced[..end], end + 2)
        }
        None => (rest.get(..4)?, 4),
    };
    let unit = u32::from_str_radix(digits, 16).ok()?;
    for _ in 0..used {
        chars.next();
    }
    Some(unit)
}
