//! The module graph: from the entry files, every file they import (and
//! what those import…), compiled, each import linked to the binding it
//! names, and the order the top levels run in. An import that names no
//! file, or a name the other module does not export, is a diagnostic at
//! the import with the chain of files that led to it.

use crate::resolve::{Format, Kind, Resolved, Resolver};
use crate::wrap;
use lang::ast::ImportName;
use lang::bytecode::{EnvBinding, ExportEntry, Program};
use lang::diag::{Diagnostic, render_all};
use lang::link::{Evaluation, Link, LinkedGraph, LinkedModule};
use lang::source::{SourceFile, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A graph and the files it was read from (module order), for the
/// generation's hash and the reloader's watch list.
pub struct Loaded {
    pub graph: LinkedGraph,
    pub files: Vec<PathBuf>,
}

/// Reads, compiles and links every module reachable from `entries`,
/// within the project at `root`. On failure, every diagnostic, rendered.
pub fn load(root: &Path, entries: &[PathBuf]) -> Result<Loaded, String> {
    load_with(root, entries, &[])
}

/// `load`, with modules that are no files: `(name, source)` pairs. An
/// import of exactly `name` (`kitwork:test`), or an entry whose path is
/// `root` joined with `name`, reads `source`.
pub fn load_with(
    root: &Path,
    entries: &[PathBuf],
    virtual_modules: &[(String, String)],
) -> Result<Loaded, String> {
    let mut b = Builder {
        virtual_modules: virtual_modules
            .iter()
            .map(|(n, t)| (absolute(&root.join(n)), (n.clone(), t.clone())))
            .collect(),
        resolver: Resolver::new(root),
        nodes: Vec::new(),
        by_path: HashMap::new(),
        errors: String::new(),
        node_env: std::env::var("NODE_ENV").ok(),
        formats: HashMap::new(),
    };
    let mut entry_ids = Vec::new();
    for e in entries {
        let path = absolute(e);
        let display = e.display().to_string();
        if let Some(i) = b.add(path, display, Format::EsModule, None) {
            entry_ids.push(i);
        }
    }
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    let modules: Vec<LinkedModule> = (0..b.nodes.len()).map(|i| b.link(i)).collect();
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    let evaluation = Evaluation::plan(&modules, &entry_ids);
    Ok(Loaded {
        files: b.nodes.iter().map(|n| n.path.clone()).collect(),
        graph: LinkedGraph {
            modules,
            evaluation,
            entries: entry_ids,
        },
    })
}

struct Node {
    path: PathBuf,
    program: Program,
    /// The module each of its requests resolved to.
    requests: Vec<usize>,
    /// The module that imported it first (None for an entry).
    parent: Option<usize>,
    commonjs: bool,
    /// Its `import()` specifiers and the module each names, or why none.
    dynamic: Vec<(String, Result<usize, String>)>,
}

struct Builder {
    /// Modules that are no files, by the path they stand at.
    virtual_modules: HashMap<PathBuf, (String, String)>,
    resolver: Resolver,
    nodes: Vec<Node>,
    by_path: HashMap<PathBuf, usize>,
    errors: String,
    /// What `process.env.NODE_ENV` reads as: the variable of this process.
    node_env: Option<String>,
    /// What each CommonJS-looking file turned out to be (`actual_format`).
    formats: HashMap<PathBuf, Format>,
}

impl Builder {
    /// Reads and compiles `path` and, depth first, what it imports.
    fn add(
        &mut self,
        path: PathBuf,
        display: String,
        format: Format,
        parent: Option<usize>,
    ) -> Option<usize> {
        if let Some(&i) = self.by_path.get(&path) {
            return Some(i);
        }
        let read = match self.virtual_modules.get(&path) {
            Some((_, text)) => Ok(text.clone()),
            None => std::fs::read_to_string(&path),
        };
        let text = match read {
            Ok(t) => t,
            Err(e) => {
                self.errors
                    .push_str(&format!("error: cannot read {display}: {e}\n"));
                return None;
            }
        };
        let format = self.actual_format(&path, format, &text);
        let text = wrap::define_node_env(&text, self.node_env.as_deref()).into_owned();
        let text = match format {
            Format::EsModule => text,
            Format::Json => match wrap::json_module(&text) {
                Ok(t) => t,
                Err(why) => {
                    self.errors.push_str(&format!("error: {display}: {why}\n"));
                    self.chain(parent);
                    return None;
                }
            },
            Format::CommonJs => self.commonjs(&path, &display, &text, parent)?,
        };
        let source = SourceFile::new(&display, &text);
        let program = match lang::compile(source.clone()) {
            Ok(p) => p,
            Err(diags) => {
                self.errors.push_str(&render_all(&diags, &source));
                self.chain(parent);
                return None;
            }
        };
        let i = self.nodes.len();
        self.by_path.insert(path.clone(), i);
        let requests = program
            .module
            .as_ref()
            .map(|m| m.requests.clone())
            .unwrap_or_default();
        self.nodes.push(Node {
            path: path.clone(),
            program,
            requests: Vec::new(),
            parent,
            commonjs: format == Format::CommonJs,
            dynamic: Vec::new(),
        });
        let kind = if format == Format::CommonJs {
            Kind::Require
        } else {
            Kind::Import
        };
        let mut resolved = Vec::new();
        for r in &requests {
            let target = match self.target(&r.specifier, &path, kind) {
                Ok(t) => t,
                Err(e) => {
                    self.error_at(i, e, r.span);
                    continue;
                }
            };
            if let Some(why) = attributes_problem(&r.attributes, &target) {
                self.error_at(i, why, r.span);
                continue;
            }
            if let Some(t) = self.add_target(target, i) {
                resolved.push(t);
            }
        }
        self.nodes[i].requests = resolved;
        // What `import()` names is loaded too (a file it cannot find is
        // its promise's rejection, when it runs).
        let dynamic = self.nodes[i].program.dynamic_imports.clone();
        for (specifier, _) in dynamic {
            if self.nodes[i].dynamic.iter().any(|(s, _)| *s == specifier) {
                continue;
            }
            let t = match self.target(&specifier, &path, Kind::Import) {
                Ok(target) => match self.add_target(target, i) {
                    Some(t) => Ok(t),
                    None => continue,
                },
                Err(e) => Err(e),
            };
            self.nodes[i].dynamic.push((specifier, t));
        }
        Some(i)
    }

    /// The file `specifier` names from `path`, or why none.
    fn target(&self, specifier: &str, path: &Path, kind: Kind) -> Result<Resolved, String> {
        let named = self
            .virtual_modules
            .iter()
            .find(|(_, (n, _))| n == specifier);
        if let Some((p, _)) = named {
            return Ok(Resolved {
                path: p.clone(),
                format: Format::EsModule,
            });
        }
        self.resolver
            .resolve(specifier, path, kind)
            .map_err(|e| e.to_string())
    }

    /// `add` for a file module `parent` asked for.
    fn add_target(&mut self, target: Resolved, parent: usize) -> Option<usize> {
        let shown = match self.virtual_modules.get(&target.path) {
            Some((name, _)) => name.clone(),
            None => display_path(&target.path),
        };
        self.add(target.path, shown, target.format, Some(parent))
    }

    /// What the file at `path` is, whose name and package say `declared`:
    /// a `.js` file Node would call CommonJS that has `import` or `export`
    /// is an ES module, as bundlers take a package's `module` entry to be.
    /// Found once per file (it takes a parse of `text`).
    fn actual_format(&mut self, path: &Path, declared: Format, text: &str) -> Format {
        if declared != Format::CommonJs {
            return declared;
        }
        *self.formats.entry(path.to_path_buf()).or_insert_with(|| {
            if wrap::has_module_syntax(text) {
                Format::EsModule
            } else {
                Format::CommonJs
            }
        })
    }

    /// A CommonJS file's text as a module, its `require`s resolved.
    fn commonjs(
        &mut self,
        path: &Path,
        display: &str,
        text: &str,
        parent: Option<usize>,
    ) -> Option<String> {
        let mut requires = Vec::new();
        let mut failed = false;
        for specifier in wrap::required(text) {
            match self.resolver.resolve(&specifier, path, Kind::Require) {
                Ok(t) => {
                    let text =
                        if t.format == Format::CommonJs && !self.formats.contains_key(&t.path) {
                            std::fs::read_to_string(&t.path).unwrap_or_default()
                        } else {
                            String::new()
                        };
                    requires.push(wrap::Required {
                        format: self.actual_format(&t.path, t.format, &text),
                        specifier,
                    })
                }
                Err(e) => {
                    self.errors.push_str(&format!("error: {display}: {e}\n"));
                    failed = true;
                }
            }
        }
        if failed {
            self.chain(parent);
            return None;
        }
        let dir = path.parent().map(display_path).unwrap_or_default();
        Some(wrap::commonjs_module(
            text,
            &display_path(path),
            &dir,
            &requires,
        ))
    }

    /// A diagnostic at `span` of module `i`, with how it was reached.
    fn error_at(&mut self, i: usize, message: String, span: Span) {
        let d = Diagnostic::new(message, span);
        self.errors
            .push_str(&d.render(&self.nodes[i].program.source));
        self.chain(self.nodes[i].parent);
    }

    /// `  = imported by a.js ← b.js`: the importers from `parent` up.
    fn chain(&mut self, mut parent: Option<usize>) {
        let mut names = Vec::new();
        while let Some(p) = parent {
            names.push(self.nodes[p].program.source.name.clone());
            parent = self.nodes[p].parent;
        }
        if !names.is_empty() {
            self.errors
                .push_str(&format!("  = imported by {}\n\n", names.join(" ← ")));
        }
    }

    /// Module `i` linked: each environment binding's cell, its exports.
    fn link(&mut self, i: usize) -> LinkedModule {
        let program = self.nodes[i].program.clone();
        let Some(info) = &program.module else {
            return LinkedModule {
                program,
                links: Vec::new(),
                exports: Vec::new(),
                requests: Vec::new(),
                commonjs: false,
                url: file_url(&self.nodes[i].path),
                dynamic: self.nodes[i].dynamic.clone(),
            };
        };
        let mut links = Vec::with_capacity(info.env.len());
        for b in &info.env {
            let link = match b {
                EnvBinding::Local { .. } | EnvBinding::Meta => Link::Own,
                EnvBinding::Import {
                    request,
                    imported,
                    span,
                    ..
                } => {
                    let target = self.nodes[i].requests[*request];
                    match self.import(target, imported) {
                        Ok(l) => l,
                        Err(why) => {
                            self.error_at(i, why, *span);
                            Link::Own
                        }
                    }
                }
            };
            links.push(link);
        }
        let mut names = Vec::new();
        self.export_names(i, &mut Vec::new(), &mut names);
        names.sort();
        let mut exports = Vec::new();
        for name in names {
            // Ambiguous `export *` names are left out of the namespace.
            if let Ok(Some(l)) = self.resolve_export(i, &name, &mut Vec::new()) {
                exports.push((name, l));
            }
        }
        // Re-exports must name something too.
        for e in &info.exports {
            if let ExportEntry::Indirect {
                request,
                imported,
                span,
                ..
            } = e
            {
                let target = self.nodes[i].requests[*request];
                if let Err(why) = self.import(target, imported) {
                    self.error_at(i, why, *span);
                }
            }
        }
        LinkedModule {
            program,
            links,
            exports,
            requests: self.nodes[i].requests.clone(),
            commonjs: self.nodes[i].commonjs,
            url: file_url(&self.nodes[i].path),
            dynamic: self.nodes[i].dynamic.clone(),
        }
    }

    /// The binding `imported` of module `target` names.
    fn import(&self, target: usize, imported: &ImportName) -> Result<Link, String> {
        let name = match imported {
            ImportName::Namespace => return Ok(Link::Namespace(target)),
            ImportName::Name(n) => n,
        };
        let shown = &self.nodes[target].program.source.name;
        match self.resolve_export(target, name, &mut Vec::new()) {
            Ok(Some(l)) => Ok(l),
            Ok(None) if self.nodes[target].program.module.is_none() => Err(format!(
                "`{shown}` exports nothing (it has no `export`), so there is no `{name}` to import"
            )),
            Ok(None) if self.nodes[target].commonjs => Err(format!(
                "`{shown}` is a CommonJS module, whose only export is its `module.exports` as `default`: import that (`import pkg from …`) and read `{name}` from it"
            )),
            Ok(None) => Err(format!("`{shown}` has no export named `{name}`")),
            Err(()) => Err(format!(
                "`{name}` is exported by more than one `export *` of `{shown}`"
            )),
        }
    }

    /// ResolveExport: where module `m`'s export `name` is; `Err` when
    /// two `export *` give different bindings.
    fn resolve_export(
        &self,
        m: usize,
        name: &str,
        visited: &mut Vec<(usize, String)>,
    ) -> Result<Option<Link>, ()> {
        if visited.iter().any(|(v, n)| *v == m && n == name) {
            return Ok(None);
        }
        visited.push((m, name.to_string()));
        let Some(info) = &self.nodes[m].program.module else {
            return Ok(None);
        };
        for e in &info.exports {
            match e {
                ExportEntry::Local { exported, env, .. } if exported == name => {
                    return Ok(Some(Link::Cell {
                        module: m,
                        env: *env,
                    }));
                }
                ExportEntry::Indirect {
                    exported,
                    request,
                    imported,
                    ..
                } if exported == name => {
                    let t = self.nodes[m].requests[*request];
                    return match imported {
                        ImportName::Namespace => Ok(Some(Link::Namespace(t))),
                        ImportName::Name(n) => self.resolve_export(t, n, visited),
                    };
                }
                _ => {}
            }
        }
        if name == "default" {
            return Ok(None);
        }
        let mut found = None;
        for (r, _) in &info.star_exports {
            let t = self.nodes[m].requests[*r];
            if let Some(l) = self.resolve_export(t, name, visited)? {
                if found.is_some_and(|f| f != l) {
                    return Err(());
                }
                found = Some(l);
            }
        }
        Ok(found)
    }

    /// GetExportedNames: every name module `m` exports.
    fn export_names(&self, m: usize, visited: &mut Vec<usize>, out: &mut Vec<String>) {
        if visited.contains(&m) {
            return;
        }
        visited.push(m);
        let Some(info) = &self.nodes[m].program.module else {
            return;
        };
        for e in &info.exports {
            if !out.iter().any(|n| n == e.exported()) {
                out.push(e.exported().to_string());
            }
        }
        for (r, _) in &info.star_exports {
            let t = self.nodes[m].requests[*r];
            let mut theirs = Vec::new();
            self.export_names(t, visited, &mut theirs);
            for n in theirs {
                if n != "default" && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
}

/// Why an import's attributes do not fit the file, if they do not:
/// `type: "json"` must name a JSON file, and no other attribute exists.
fn attributes_problem(attributes: &[(String, String)], target: &Resolved) -> Option<String> {
    for (k, v) in attributes {
        match (k.as_str(), v.as_str()) {
            ("type", "json") if target.format == Format::Json => {}
            ("type", "json") => {
                return Some(format!(
                    "`{}` is not a JSON file, but the import says `type: \"json\"`",
                    display_path(&target.path)
                ));
            }
            _ => return Some(format!("unsupported import attribute `{k}: \"{v}\"`")),
        }
    }
    None
}

/// `file:///…` for an absolute path (percent-encoded as URLs need).
fn file_url(p: &Path) -> String {
    url::Url::from_file_path(p).map_or_else(|()| format!("file://{}", p.display()), String::from)
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A path as diagnostics show it: relative to the working directory
/// when it is inside it.
fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| p.strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => p.display().to_string(),
    }
}
