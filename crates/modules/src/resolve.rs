//! From a specifier and the file that imports it to the file it names:
//! relative paths (`./lib.js`, `../util`), which must stay inside the
//! project, and bare specifiers (`dayjs`, `@scope/pkg/sub`), looked up in
//! the `node_modules` folders from the importer up to the project root.
//! Extensions and `index` files are tried as bundlers and CommonJS do, so
//! `./lib` finds `./lib.js`. What a file is (ES module, CommonJS, JSON)
//! follows Node: the extension, else the nearest `package.json`'s `type`.

use crate::node_builtins::builtin_name;
use crate::package::{Exported, Package};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// How the module is asked for: it chooses the `exports` conditions and
/// whether `module` is preferred over `main`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Import,
    Require,
}

impl Kind {
    fn conditions(self) -> &'static [&'static str] {
        match self {
            Kind::Import => &["import", "module"],
            Kind::Require => &["require"],
        }
    }
}

/// What the resolved file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    EsModule,
    CommonJs,
    Json,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub path: PathBuf,
    pub format: Format,
}

/// Why a specifier names no file; `Display` is the diagnostic's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveError {
    NotFound {
        specifier: String,
    },
    OutsideProject {
        specifier: String,
    },
    /// Node's built-in `module`, imported from `package` (None: the project).
    NodeBuiltin {
        module: String,
        package: Option<String>,
    },
    NotExported {
        package: String,
        subpath: String,
    },
    BadPackage(String),
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::NotFound { specifier } => {
                write!(f, "cannot find module `{specifier}`")
            }
            ResolveError::OutsideProject { specifier } => {
                write!(f, "`{specifier}` is outside the project folder")
            }
            ResolveError::NodeBuiltin {
                module,
                package: Some(p),
            } => write!(
                f,
                "package `{p}` needs Node's built-in module `{module}`, which Kitwork does not have"
            ),
            ResolveError::NodeBuiltin {
                module,
                package: None,
            } => {
                write!(
                    f,
                    "`{module}` is a Node built-in module, which Kitwork does not have"
                )
            }
            ResolveError::NotExported { package, subpath } => {
                write!(f, "package `{package}` does not export `{subpath}`")
            }
            ResolveError::BadPackage(why) => f.write_str(why),
        }
    }
}

/// Extensions tried after a path that names no file.
const EXTENSIONS: [&str; 4] = ["js", "mjs", "cjs", "json"];

/// Resolves specifiers within one project folder.
pub struct Resolver {
    root: PathBuf,
}

impl Resolver {
    /// A resolver for the project at `root` (made absolute).
    pub fn new(root: &Path) -> Resolver {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        Resolver {
            root: normalize(&root),
        }
    }

    /// The file `specifier`, imported by the file `from`, names.
    pub fn resolve(
        &self,
        specifier: &str,
        from: &Path,
        kind: Kind,
    ) -> Result<Resolved, ResolveError> {
        let from = normalize(&std::path::absolute(from).unwrap_or_else(|_| from.to_path_buf()));
        let dir = from.parent().unwrap_or(&self.root).to_path_buf();
        if let Some(module) = builtin_name(specifier) {
            return Err(ResolveError::NodeBuiltin {
                module: module.to_string(),
                package: self.package_name_of(&from),
            });
        }
        let not_found = || ResolveError::NotFound {
            specifier: specifier.to_string(),
        };
        let path = if is_relative(specifier) {
            let wanted = normalize(&dir.join(specifier));
            if !wanted.starts_with(&self.root) {
                return Err(ResolveError::OutsideProject {
                    specifier: specifier.to_string(),
                });
            }
            probe(&wanted, kind)?.ok_or_else(not_found)?
        } else {
            self.resolve_package(specifier, &dir, kind)?
        };
        Ok(Resolved {
            format: self.format_of(&path),
            path,
        })
    }

    /// A bare specifier: `name[/sub]` in the nearest `node_modules` that has it.
    fn resolve_package(
        &self,
        specifier: &str,
        dir: &Path,
        kind: Kind,
    ) -> Result<PathBuf, ResolveError> {
        let (name, sub) = split_package(specifier).ok_or_else(|| ResolveError::NotFound {
            specifier: specifier.to_string(),
        })?;
        let mut at = Some(dir);
        while let Some(d) = at.filter(|d| d.starts_with(&self.root)) {
            let candidate = d.join("node_modules").join(name);
            if candidate.is_dir() {
                return self.resolve_in_package(specifier, &candidate, name, &sub, kind);
            }
            at = d.parent();
        }
        Err(ResolveError::NotFound {
            specifier: specifier.to_string(),
        })
    }

    fn resolve_in_package(
        &self,
        specifier: &str,
        dir: &Path,
        name: &str,
        sub: &str,
        kind: Kind,
    ) -> Result<PathBuf, ResolveError> {
        let not_found = || ResolveError::NotFound {
            specifier: specifier.to_string(),
        };
        let package = Package::read(dir).map_err(ResolveError::BadPackage)?;
        if let Some(p) = package.as_ref().filter(|p| p.has_exports()) {
            let mut conditions: Vec<&str> = kind.conditions().to_vec();
            conditions.push("default");
            return match p.export(sub, &conditions) {
                Exported::Target(t) => {
                    let file = normalize(&dir.join(t));
                    if file.starts_with(dir) && file.is_file() {
                        Ok(file)
                    } else {
                        Err(not_found())
                    }
                }
                Exported::Hidden => Err(ResolveError::NotExported {
                    package: name.to_string(),
                    subpath: sub.to_string(),
                }),
            };
        }
        let wanted = if sub == "." {
            let entry = package
                .as_ref()
                .map_or_else(|| "index.js".to_string(), |p| p.entry(kind == Kind::Import));
            dir.join(entry)
        } else {
            dir.join(&sub[2..])
        };
        probe(&normalize(&wanted), kind)?.ok_or_else(not_found)
    }

    /// ES module, CommonJS or JSON, by extension and then by the nearest
    /// `package.json`: the project's own `.js` files are ES modules; a
    /// package's are CommonJS unless it says `"type": "module"`.
    fn format_of(&self, path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("mjs") => return Format::EsModule,
            Some("cjs") => return Format::CommonJs,
            Some("json") => return Format::Json,
            _ => {}
        }
        let in_package = path
            .strip_prefix(&self.root)
            .is_ok_and(|rel| rel.components().any(|c| c.as_os_str() == "node_modules"));
        if !in_package {
            return Format::EsModule;
        }
        match self.nearest_package(path) {
            Some(p) if p.is_esm => Format::EsModule,
            _ => Format::CommonJs,
        }
    }

    /// The `package.json` of the folder holding `path`, or of one above
    /// it, within the project.
    fn nearest_package(&self, path: &Path) -> Option<Package> {
        let mut at = path.parent();
        while let Some(d) = at.filter(|d| d.starts_with(&self.root)) {
            if let Ok(Some(p)) = Package::read(d) {
                return Some(p);
            }
            at = d.parent();
        }
        None
    }

    /// The name of the package `path` belongs to, when it is in one.
    fn package_name_of(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        rel.components()
            .any(|c| c.as_os_str() == "node_modules")
            .then(|| self.nearest_package(path).and_then(|p| p.name))?
    }
}

/// `./x`, `../x`, or an absolute path.
fn is_relative(specifier: &str) -> bool {
    specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier.starts_with('/')
        || specifier == "."
        || specifier == ".."
}

/// `@scope/name/sub/path` → (`@scope/name`, `./sub/path`); `name` → (`name`, `.`).
fn split_package(specifier: &str) -> Option<(&str, String)> {
    let mut parts = specifier.splitn(if specifier.starts_with('@') { 3 } else { 2 }, '/');
    let first = parts.next()?;
    let name_len = if specifier.starts_with('@') {
        first.len() + 1 + parts.next()?.len()
    } else {
        first.len()
    };
    if name_len == 0 {
        return None;
    }
    let name = &specifier[..name_len];
    let rest = &specifier[name_len..];
    Some((
        name,
        if rest.is_empty() {
            ".".to_string()
        } else {
            format!(".{rest}")
        },
    ))
}

/// The file `wanted` names: itself, with an extension, or a folder's
/// `package.json` entry or `index` file. Ok(None) when there is none.
fn probe(wanted: &Path, kind: Kind) -> Result<Option<PathBuf>, ResolveError> {
    if wanted.is_file() {
        return Ok(Some(wanted.to_path_buf()));
    }
    for ext in EXTENSIONS {
        let mut name = wanted.as_os_str().to_os_string();
        name.push(".");
        name.push(ext);
        let p = PathBuf::from(name);
        if p.is_file() {
            return Ok(Some(p));
        }
    }
    if wanted.is_dir() {
        if let Some(p) = Package::read(wanted).map_err(ResolveError::BadPackage)? {
            let entry = normalize(&wanted.join(p.entry(kind == Kind::Import)));
            if entry != wanted {
                if let Some(found) = probe(&entry, kind)? {
                    return Ok(Some(found));
                }
            }
        }
        for ext in EXTENSIONS {
            let p = wanted.join(format!("index.{ext}"));
            if p.is_file() {
                return Ok(Some(p));
            }
        }
    }
    Ok(None)
}

/// `a/./b/../c` → `a/c`, without touching the file system (so a symlink
/// in `node_modules` stays inside the project).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
