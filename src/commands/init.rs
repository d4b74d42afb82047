//! `kitwork init [DIR]`: a new project to start from — a route importing a
//! helper module, a route on the database with its migration, a test,
//! `kitwork.toml` with every key commented out, a `package.json` (for
//! `npm install`), a README and a `.gitignore`. Refuses a folder that
//! has files already.

use super::Outcome;
use std::path::Path;
use std::process::ExitCode;

/// Each file of a new project and its text (`__NAME__`: the project's).
const FILES: &[(&str, &str)] = &[
    ("work/hello.js", include_str!("init/hello.js")),
    ("work/notes.js", include_str!("init/notes.js")),
    ("lib/greeting.js", include_str!("init/greeting.js")),
    (
        "migrations/001_notes.sql",
        include_str!("init/001_notes.sql"),
    ),
    ("tests/hello.test.js", include_str!("init/hello.test.js")),
    ("kitwork.toml", include_str!("init/kitwork.toml")),
    ("README.md", include_str!("init/README.md")),
    (".gitignore", include_str!("init/gitignore")),
    ("package.json", PACKAGE_JSON),
];

const PACKAGE_JSON: &str = r#"{
  "name": "__NAME__",
  "private": true,
  "type": "module",
  "scripts": {
    "start": "kitwork serve",
    "test": "kitwork test"
  },
  "dependencies": {}
}
"#;

/// Makes a new project in `dir` (created if missing, refused if not empty).
pub fn init(dir: &Path) -> Outcome {
    if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        eprintln!(
            "error: {} is not an empty folder; kitwork init makes a new project",
            dir.display()
        );
        return Err(ExitCode::from(2));
    }
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = package_name(&abs);
    for (path, text) in FILES {
        let target = dir.join(path);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, text.replace("__NAME__", &name)));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", target.display());
            return Err(ExitCode::from(1));
        }
    }
    let shown = dir.display();
    println!("made a new Kitwork project in {shown}:");
    for (path, _) in FILES {
        println!("  {path}");
    }
    println!(
        "\nnext:\n  cd {shown}\n  kitwork serve     # http://127.0.0.1:8080/hello/you\n  kitwork test"
    );
    Ok(())
}

/// npm's rules, roughly: lower case, and `-` for anything but letters,
/// digits, `-`, `_` and `.`.
fn package_name(dir: &Path) -> String {
    let raw = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_start_matches(['.', '_']).to_string();
    if name.is_empty() {
        "kitwork-project".to_string()
    } else {
        name
    }
}
