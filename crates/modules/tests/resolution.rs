//! Resolution against real folders: a project with its own files and a
//! `node_modules` laid out the way npm lays out the packages it installs
//! (a CommonJS-only package, a dual one with `exports` conditions, a
//! `"type": "module"` one, a scoped one with subpath patterns).

use kitwork_modules::resolve::Format;
use kitwork_modules::{Kind, ResolveError, Resolver};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A project folder in the temporary directory, removed when dropped.
struct Project(PathBuf);

impl std::ops::Deref for Project {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh project folder holding `files` (path, contents).
fn project(files: &[(&str, &str)]) -> Project {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let root = std::env::temp_dir().join(format!(
        "kitwork-modules-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    Project(root)
}

fn resolve(
    root: &Path,
    spec: &str,
    from: &str,
    kind: Kind,
) -> Result<(String, Format), ResolveError> {
    let r = Resolver::new(root).resolve(spec, &root.join(from), kind)?;
    let rel = r.path.strip_prefix(root).unwrap().display().to_string();
    Ok((rel, r.format))
}

fn npm_layout() -> Project {
    project(&[
        ("work/routes.js", ""),
        ("work/lib/auth.js", ""),
        ("work/lib/index.js", ""),
        ("work/data.json", "{}"),
        ("shared/util.mjs", ""),
        // CommonJS only, like dayjs: `main`, no `exports`.
        (
            "node_modules/dayjs/package.json",
            r#"{"name":"dayjs","main":"dayjs.min.js"}"#,
        ),
        ("node_modules/dayjs/dayjs.min.js", ""),
        ("node_modules/dayjs/plugin/utc.js", ""),
        // Dual, conditions in the package's order.
        (
            "node_modules/dual/package.json",
            r#"{"name":"dual","exports":{".":{"import":"./esm/index.mjs","require":"./cjs/index.cjs"},"./feature":{"require":"./cjs/feature.cjs","default":"./esm/feature.js"},"./internal/*":null,"./package.json":"./package.json"},"main":"./cjs/index.cjs"}"#,
        ),
        ("node_modules/dual/esm/index.mjs", ""),
        ("node_modules/dual/esm/feature.js", ""),
        ("node_modules/dual/cjs/index.cjs", ""),
        ("node_modules/dual/cjs/feature.cjs", ""),
        // ES modules by "type", with `module` beside `main`.
        (
            "node_modules/esm-only/package.json",
            r#"{"name":"esm-only","type":"module","module":"src/index.js","main":"dist/index.js"}"#,
        ),
        ("node_modules/esm-only/src/index.js", ""),
        ("node_modules/esm-only/dist/index.js", ""),
        // Scoped, with a subpath pattern, and a Node built-in inside.
        (
            "node_modules/@scope/pkg/package.json",
            r#"{"name":"@scope/pkg","exports":{".":"./index.js","./locale/*":"./dist/locale/*.js","./node":"./node.js"}}"#,
        ),
        ("node_modules/@scope/pkg/index.js", ""),
        ("node_modules/@scope/pkg/node.js", ""),
        ("node_modules/@scope/pkg/dist/locale/fr.js", ""),
        // A package nested under another (npm's duplicate versions).
        (
            "node_modules/dual/node_modules/dayjs/package.json",
            r#"{"name":"dayjs","main":"old.js"}"#,
        ),
        ("node_modules/dual/node_modules/dayjs/old.js", ""),
    ])
}

#[test]
fn relative_paths_find_files_extensions_and_index_files_inside_the_project() {
    let root = npm_layout();
    let ok = |spec: &str| resolve(&root, spec, "work/routes.js", Kind::Import).unwrap();
    assert_eq!(
        ok("./lib/auth.js"),
        ("work/lib/auth.js".into(), Format::EsModule)
    );
    assert_eq!(
        ok("./lib/auth"),
        ("work/lib/auth.js".into(), Format::EsModule)
    );
    assert_eq!(ok("./lib"), ("work/lib/index.js".into(), Format::EsModule));
    assert_eq!(ok("./data.json"), ("work/data.json".into(), Format::Json));
    assert_eq!(
        ok("../shared/util.mjs"),
        ("shared/util.mjs".into(), Format::EsModule)
    );
    assert_eq!(
        resolve(&root, "./missing.js", "work/routes.js", Kind::Import),
        Err(ResolveError::NotFound {
            specifier: "./missing.js".into()
        })
    );
    assert_eq!(
        resolve(&root, "../../etc/passwd", "work/routes.js", Kind::Import),
        Err(ResolveError::OutsideProject {
            specifier: "../../etc/passwd".into()
        })
    );
}

#[test]
fn bare_specifiers_follow_main_module_and_exports_conditions() {
    let root = npm_layout();
    let from = |spec: &str, kind| resolve(&root, spec, "work/routes.js", kind).unwrap();
    assert_eq!(
        from("dayjs", Kind::Import),
        ("node_modules/dayjs/dayjs.min.js".into(), Format::CommonJs)
    );
    assert_eq!(
        from("dayjs/plugin/utc", Kind::Import),
        ("node_modules/dayjs/plugin/utc.js".into(), Format::CommonJs)
    );
    assert_eq!(
        from("dual", Kind::Import),
        ("node_modules/dual/esm/index.mjs".into(), Format::EsModule)
    );
    assert_eq!(
        from("dual", Kind::Require),
        ("node_modules/dual/cjs/index.cjs".into(), Format::CommonJs)
    );
    assert_eq!(
        from("dual/feature", Kind::Import),
        ("node_modules/dual/esm/feature.js".into(), Format::CommonJs)
    );
    assert_eq!(
        from("dual/feature", Kind::Require),
        ("node_modules/dual/cjs/feature.cjs".into(), Format::CommonJs)
    );
    assert_eq!(
        from("esm-only", Kind::Import),
        (
            "node_modules/esm-only/src/index.js".into(),
            Format::EsModule
        )
    );
    assert_eq!(
        from("esm-only", Kind::Require),
        (
            "node_modules/esm-only/dist/index.js".into(),
            Format::EsModule
        )
    );
    assert_eq!(
        from("@scope/pkg", Kind::Import),
        ("node_modules/@scope/pkg/index.js".into(), Format::CommonJs)
    );
    assert_eq!(
        from("@scope/pkg/locale/fr", Kind::Import),
        (
            "node_modules/@scope/pkg/dist/locale/fr.js".into(),
            Format::CommonJs
        )
    );
}

#[test]
fn what_a_package_does_not_export_is_refused_by_name() {
    let root = npm_layout();
    let err = |spec: &str| resolve(&root, spec, "work/routes.js", Kind::Import).unwrap_err();
    assert_eq!(
        err("dual/cjs/index.cjs"),
        ResolveError::NotExported {
            package: "dual".into(),
            subpath: "./cjs/index.cjs".into()
        }
    );
    assert_eq!(
        err("dual/internal/x"),
        ResolveError::NotExported {
            package: "dual".into(),
            subpath: "./internal/x".into()
        }
    );
    assert_eq!(
        err("@scope/pkg/locale/de"),
        ResolveError::NotFound {
            specifier: "@scope/pkg/locale/de".into()
        }
    );
    assert_eq!(
        err("left-pad"),
        ResolveError::NotFound {
            specifier: "left-pad".into()
        }
    );
    assert_eq!(
        err("dual/internal/x").to_string(),
        "package `dual` does not export `./internal/x`"
    );
}

#[test]
fn the_nearest_node_modules_wins_from_inside_a_package() {
    let root = npm_layout();
    let r = resolve(
        &root,
        "dayjs",
        "node_modules/dual/esm/index.mjs",
        Kind::Import,
    )
    .unwrap();
    assert_eq!(r.0, "node_modules/dual/node_modules/dayjs/old.js");
}

#[test]
fn node_builtins_name_the_package_that_needs_them() {
    let root = npm_layout();
    let from_project = resolve(&root, "fs", "work/routes.js", Kind::Import).unwrap_err();
    assert_eq!(
        from_project,
        ResolveError::NodeBuiltin {
            module: "fs".into(),
            package: None
        }
    );
    let from_package = resolve(
        &root,
        "node:net",
        "node_modules/@scope/pkg/node.js",
        Kind::Require,
    )
    .unwrap_err();
    assert_eq!(
        from_package.to_string(),
        "package `@scope/pkg` needs Node's built-in module `net`, which Kitwork does not have"
    );
}

#[test]
fn a_package_json_that_is_not_json_is_reported() {
    let root = project(&[
        ("work/a.js", ""),
        ("node_modules/broken/package.json", "{ name: broken"),
    ]);
    match resolve(&root, "broken", "work/a.js", Kind::Import) {
        Err(ResolveError::BadPackage(why)) => assert!(why.contains("is not valid JSON"), "{why}"),
        other => panic!("{other:?}"),
    }
}
