//! Golden tests: the disassembly of small programs (`tests/golden/*.js` →
//! `.disasm`) and the rendered diagnostics of broken ones (→ `.diag`), caret
//! included. `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the files.

use std::path::Path;

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for js in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
    {
        let src = std::fs::read_to_string(js).unwrap();
        let name = format!("tests/golden/{}", js.file_name().unwrap().to_string_lossy());
        let (actual, ext) = match kitwork::compile_file(&name, &src) {
            Ok(p) => (p.disassemble(), "disasm"),
            Err((file, diags)) => (kitwork::lang::diag::render_all(&diags, &file), "diag"),
        };
        let expected_path = js.with_extension(ext);
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{}:\n--- expected\n{expected}\n+++ actual\n{actual}",
                expected_path.display()
            ));
        }
        checked += 1;
    }
    assert!(checked >= 6, "golden inputs are missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
