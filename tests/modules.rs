//! Modules as `kitwork run` loads them (tests/modules/project): every
//! import and export form, live bindings, a cycle, JSON modules, a package
//! through `package.json` `exports`, a CommonJS package that `require`s
//! another and its own `package.json`, CommonJS cycles loaded in Node's
//! order, functions hoisted across modules; and the diagnostics for an import
//! that names no file, a name not exported (with the chain of importers)
//! and a package that needs Node's built-ins; top-level `await`, which
//! holds back only the modules that import it (in the order node prints),
//! and one that fails or never finishes; `import()`.

use std::path::Path;
use std::process::{Command, Output};

fn run(file: &str) -> Output {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/modules/project");
    Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .current_dir(&project)
        .env("NODE_ENV", "production")
        .args(["run", file])
        .output()
        .expect("kitwork runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_graph_of_modules_and_packages_runs() {
    let out = run("main.js");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "1 1 default default\n\
         2 2 20\n\
         bump,count,default,later Module\n\
         2 bump,count,default,later\n\
         demo 3 true\n\
         hello, kit hello from cjs, HI 2.0.0 true\n\
         done done\n\
         true true\n\
         TypeError\n"
    );
}

#[test]
fn functions_are_hoisted_and_commonjs_loads_in_nodes_order() {
    // node prints the second line for cyc, with `undefined` for NODE_ENV
    // when it is not set.
    let out = run("more.js");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "helper!\na b a not the module's require: util production\n"
    );
}

#[test]
fn a_missing_export_names_the_import_and_the_chain() {
    let out = run("errors/missing_export.js");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "error: `lib/counter.js` has no export named `absent`\n --> errors/uses_counter.js:1:17"
        ),
        "{err}"
    );
    assert!(err.contains("^^^^^^"), "{err}");
    assert!(
        err.contains("= imported by errors/missing_export.js"),
        "{err}"
    );
}

#[test]
fn a_missing_file_and_a_node_builtin_are_load_errors() {
    let out = run("errors/missing_file.js");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("cannot find module `./nowhere.js`\n --> errors/missing_file.js:1:15"),
        "{}",
        text(&out.stderr)
    );
    let out = run("errors/node_builtin.js");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("package `needs-fs` needs Node's built-in module `fs`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn assigning_an_import_is_a_type_error() {
    let out = run("errors/assign_import.js");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("TypeError: Assignment to constant variable 'count'.\n    at <main> (errors/assign_import.js:2:1)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_module_that_awaits_holds_back_only_its_importers() {
    // The order node prints for the same files.
    let out = run("awaiting.js");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "config: start\n\
         sibling: runs before config finishes\n\
         config: a job queued before the await\n\
         config: after await\n\
         main: kit true\n\
         main: a\n\
         main: b\n"
    );
}

#[test]
fn a_top_level_await_that_fails_or_never_finishes_is_an_error() {
    let out = run("errors/tla_rejects.js");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("Uncaught Error: config missing\n    at <main> (tla/rejects.js:2:7)"),
        "{err}"
    );
    assert!(!text(&out.stdout).contains("never printed"));
    let out = run("errors/tla_never.js");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("a module's top-level `await` never finished: errors/tla_never.js"),
        "{err}"
    );
}

#[test]
fn import_calls_load_with_the_files_and_evaluate_when_called() {
    // The order node prints for the same files.
    let out = run("dynamic.js");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "main: start\n\
         main: import() returned a promise\n\
         later: runs when first imported\n\
         main: hello greeting\n\
         main: same namespace true\n\
         main: bonjour hello\n\
         main: absent.js rejects\n"
    );
    // A specifier no string literal in the call names was not loaded.
    let out = run("errors/computed_import.js");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "TypeError: cannot import `../dynamic/later.js`: the modules import() may load"
        ) && err.contains("at <main> (errors/computed_import.js:2:7)"),
        "{err}"
    );
}
