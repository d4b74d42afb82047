//! A module's link table: its parsed imports and exports turned into the
//! upvalues of its top level (`ModuleInfo::env`) and its export entries,
//! with the early errors the specification gives them (a name exported
//! twice, an export of nothing, an import that clashes with a declaration).

use crate::ast::{self, Export, ImportName, Stmt, StmtKind};
use crate::bytecode::{EnvBinding, ExportEntry, ModuleInfo};
use crate::diag::Diagnostic;
use crate::resolve::{collect_vars, lexical_names};
use crate::source::Span;
use std::collections::HashMap;

/// A module's link table and, for the compiler, which upvalue holds each
/// top-level name that lives in the module environment (and whether it
/// is an import, which is a constant).
pub(super) struct ModuleEnv {
    pub info: ModuleInfo,
    pub names: HashMap<String, (u16, bool)>,
}

pub(super) fn build(program: &ast::Program, diags: &mut Vec<Diagnostic>) -> ModuleEnv {
    let record = &program.module;
    let mut info = ModuleInfo::default();
    let mut names = HashMap::new();
    let declared = top_level_declarations(&program.body);
    // Every module named, in source order (the order they are evaluated
    // in), also by `import "m"` with no bindings.
    let mut requests: Vec<&ast::ModuleRequest> =
        record.imports.iter().map(|i| &i.request).collect();
    requests.extend(record.exports.iter().filter_map(|e| match e {
        Export::Indirect { request, .. } | Export::Star { request, .. } => Some(request),
        Export::Local { .. } => None,
    }));
    requests.sort_by_key(|r| r.span.start);
    for r in requests {
        request_index(&mut info, r);
    }
    let mut imported: HashMap<String, (usize, ImportName)> = HashMap::new();
    for import in &record.imports {
        let r = request_index(&mut info, &import.request);
        for b in &import.bindings {
            if b.local == "eval" || b.local == "arguments" {
                diags.push(Diagnostic::new(
                    format!("`{}` cannot be declared in strict code", b.local),
                    b.span,
                ));
                continue;
            }
            if imported.contains_key(&b.local) || declared.contains_key(&b.local) {
                diags.push(Diagnostic::new(
                    format!("identifier `{}` has already been declared", b.local),
                    b.span,
                ));
                continue;
            }
            imported.insert(b.local.clone(), (r, b.imported.clone()));
            names.insert(b.local.clone(), (info.env.len() as u16, true));
            info.env.push(EnvBinding::Import {
                request: r,
                imported: b.imported.clone(),
                local: b.local.clone(),
                span: b.span,
            });
        }
    }
    if record.import_meta {
        names.insert(ast::IMPORT_META.to_string(), (info.env.len() as u16, true));
        info.env.push(EnvBinding::Meta);
    }
    // Every top-level declaration, in source order of names: exported or
    // not, a function declared at the top may read it before the top
    // level runs (a cycle calls it), so it lives in the environment.
    let mut own: Vec<(&String, &bool)> = declared.iter().collect();
    own.sort();
    for (name, &lexical) in own {
        if names.contains_key(name) {
            continue;
        }
        names.insert(name.clone(), (info.env.len() as u16, false));
        info.env.push(EnvBinding::Local {
            name: name.clone(),
            lexical,
        });
    }
    for export in &record.exports {
        if let Some(e) = export_entry(export, &declared, &imported, &mut info, &mut names, diags) {
            if info.exports.iter().any(|x| x.exported() == e.exported()) {
                diags.push(Diagnostic::new(
                    format!("`{}` is exported twice", e.exported()),
                    e.span(),
                ));
                continue;
            }
            info.exports.push(e);
        }
        if let Export::Star { request: r, span } = export {
            let i = request_index(&mut info, r);
            info.star_exports.push((i, *span));
        }
    }
    ModuleEnv { info, names }
}

/// The index of request `r` in `info.requests`, adding it if new.
fn request_index(info: &mut ModuleInfo, r: &ast::ModuleRequest) -> usize {
    let same = |q: &ast::ModuleRequest| q.specifier == r.specifier && q.attributes == r.attributes;
    match info.requests.iter().position(same) {
        Some(i) => i,
        None => {
            info.requests.push(r.clone());
            info.requests.len() - 1
        }
    }
}

/// One export's entry, making the upvalue of a local one.
fn export_entry(
    export: &Export,
    declared: &HashMap<String, bool>,
    imported: &HashMap<String, (usize, ImportName)>,
    info: &mut ModuleInfo,
    names: &mut HashMap<String, (u16, bool)>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ExportEntry> {
    match export {
        Export::Local {
            exported,
            local,
            span,
        } => {
            if let Some((request, name)) = imported.get(local) {
                // `import { a } from "m"; export { a }` re-exports m's `a`.
                return Some(ExportEntry::Indirect {
                    exported: exported.clone(),
                    request: *request,
                    imported: name.clone(),
                    span: *span,
                });
            }
            let Some(&lexical) = declared.get(local) else {
                diags.push(Diagnostic::new(
                    format!("`{local}` is exported but not declared in this module"),
                    *span,
                ));
                return None;
            };
            let env = match names.get(local) {
                Some(&(i, _)) => i,
                None => {
                    let i = info.env.len() as u16;
                    info.env.push(EnvBinding::Local {
                        name: local.clone(),
                        lexical,
                    });
                    names.insert(local.clone(), (i, false));
                    i
                }
            };
            Some(ExportEntry::Local {
                exported: exported.clone(),
                env,
                span: *span,
            })
        }
        Export::Indirect {
            exported,
            imported,
            request,
            span,
        } => {
            let r = request_index(info, request);
            Some(ExportEntry::Indirect {
                exported: exported.clone(),
                request: r,
                imported: imported.clone(),
                span: *span,
            })
        }
        Export::Star { .. } => None,
    }
}

/// The names a module's top level declares, and whether each is lexical
/// (`let`, `const`, `class`: uninitialised until its declaration runs).
fn top_level_declarations(body: &[Stmt]) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    let mut vars = Vec::new();
    collect_vars(body, &mut vars);
    for (name, _) in vars {
        out.insert(name, false);
    }
    let functions: Vec<&str> = body
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Function(f) => f.name.as_deref(),
            _ => None,
        })
        .collect();
    for (name, _, _) in lexical_names(body) {
        let lexical = !functions.contains(&name.as_str());
        out.insert(name, lexical);
    }
    out
}

/// Where the top level of a module says `return` (a script may; a module
/// may not): the first such statement outside any function.
pub(super) fn top_level_return(body: &[Stmt]) -> Option<Span> {
    body.iter().find_map(return_in)
}

fn return_in(s: &Stmt) -> Option<Span> {
    let all = |b: &[Stmt]| b.iter().find_map(return_in);
    match &s.kind {
        StmtKind::Return(_) => Some(s.span),
        StmtKind::Block(b) => all(b),
        StmtKind::If(_, a, b) => return_in(a).or_else(|| b.as_deref().and_then(return_in)),
        StmtKind::For { body, .. }
        | StmtKind::ForOf { body, .. }
        | StmtKind::ForAwait { body, .. }
        | StmtKind::ForIn { body, .. }
        | StmtKind::While(_, body)
        | StmtKind::DoWhile(body, _)
        | StmtKind::Labeled(_, body) => return_in(body),
        StmtKind::Try {
            block,
            handler,
            finalizer,
            ..
        } => all(block)
            .or_else(|| handler.as_deref().and_then(all))
            .or_else(|| finalizer.as_deref().and_then(all)),
        StmtKind::Switch(_, cases) => cases.iter().find_map(|c| all(&c.body)),
        StmtKind::Empty
        | StmtKind::Expr(_)
        | StmtKind::Var(..)
        | StmtKind::Function(_)
        | StmtKind::Break(_)
        | StmtKind::Continue(_)
        | StmtKind::Throw(_) => None,
    }
}
