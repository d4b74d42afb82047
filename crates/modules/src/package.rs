//! `package.json`: which file of a package a subpath names — through
//! `exports` (subpaths, `*` patterns, conditions in the order the package
//! lists them, arrays of fallbacks, `null` to hide a path) when it has
//! one, else `module` (for `import`), `main`, or `index.js`.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// A package's manifest, as far as resolution reads it.
#[derive(Debug)]
pub struct Package {
    pub dir: PathBuf,
    pub name: Option<String>,
    exports: Option<Value>,
    module: Option<String>,
    main: Option<String>,
    /// `"type": "module"`: its `.js` files are ES modules.
    pub is_esm: bool,
}

/// What `exports` says of a subpath.
#[derive(Debug, PartialEq)]
pub enum Exported {
    /// The file, relative to the package (`./dist/index.mjs`).
    Target(String),
    /// The package does not export it (no entry, or `null`).
    Hidden,
}

impl Package {
    /// Reads `dir/package.json`; None when there is none. A manifest that
    /// is not JSON is an error (its text).
    pub fn read(dir: &Path) -> Result<Option<Package>, String> {
        let path = dir.join("package.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(None);
        };
        let json: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
        let string = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_string);
        Ok(Some(Package {
            dir: dir.to_path_buf(),
            name: string("name"),
            exports: json.get("exports").cloned(),
            module: string("module"),
            main: string("main"),
            is_esm: json.get("type").and_then(Value::as_str) == Some("module"),
        }))
    }

    /// Whether the package has an `exports` field (then nothing else of
    /// it may be imported).
    pub fn has_exports(&self) -> bool {
        self.exports.is_some()
    }

    /// The target of subpath `sub` (`"."` or `"./x"`) under `exports`,
    /// with `conditions` (`import` or `require`, then `default`) chosen in
    /// the package's order.
    pub fn export(&self, sub: &str, conditions: &[&str]) -> Exported {
        let Some(exports) = &self.exports else {
            return Exported::Hidden;
        };
        // A string, an array or an object of conditions stands for ".".
        let subpaths = match exports {
            Value::Object(map) if map.keys().any(|k| k.starts_with('.')) => map,
            other => {
                return if sub == "." {
                    target(other, None, conditions)
                } else {
                    Exported::Hidden
                };
            }
        };
        if let Some(t) = subpaths.get(sub).filter(|_| !sub.contains('*')) {
            return target(t, None, conditions);
        }
        // The pattern with the longest prefix before its `*` wins.
        let mut best: Option<(&str, &str, &Value)> = None;
        for (key, t) in subpaths {
            let Some((prefix, suffix)) = key.split_once('*') else {
                continue;
            };
            if sub.len() >= key.len() - 1
                && sub.starts_with(prefix)
                && sub.ends_with(suffix)
                && best.is_none_or(|(p, _, _)| prefix.len() > p.len())
            {
                let matched = &sub[prefix.len()..sub.len() - suffix.len()];
                best = Some((prefix, matched, t));
            }
        }
        match best {
            Some((_, matched, t)) => target(t, Some(matched), conditions),
            None => Exported::Hidden,
        }
    }

    /// The entry file without `exports`: `module` for an `import`, then
    /// `main`, then `index.js` (relative to the package).
    pub fn entry(&self, for_import: bool) -> String {
        let module = self.module.clone().filter(|_| for_import);
        module
            .or_else(|| self.main.clone())
            .unwrap_or_else(|| "index.js".to_string())
    }
}

/// PACKAGE_TARGET_RESOLVE: a target string (its `*` replaced by
/// `matched`), the first condition of `conditions` (or `default`) an object
/// lists, the first usable entry of an array.
fn target(t: &Value, matched: Option<&str>, conditions: &[&str]) -> Exported {
    match t {
        Value::String(s) if s.starts_with("./") => Exported::Target(match matched {
            Some(m) => s.replace('*', m),
            None => s.clone(),
        }),
        Value::Object(map) => {
            for (key, value) in map {
                if key == "default" || conditions.contains(&key.as_str()) {
                    if let found @ Exported::Target(_) = target(value, matched, conditions) {
                        return found;
                    }
                    if value.is_null() {
                        return Exported::Hidden;
                    }
                }
            }
            Exported::Hidden
        }
        Value::Array(items) => items
            .iter()
            .map(|i| target(i, matched, conditions))
            .find(|e| matches!(e, Exported::Target(_)))
            .unwrap_or(Exported::Hidden),
        _ => Exported::Hidden,
    }
}
