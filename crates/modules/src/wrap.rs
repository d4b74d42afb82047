//! Files that are not ES modules, as the module source that means them: a
//! JSON file is a module whose default export is the parsed value; a
//! CommonJS file runs inside the function Node wraps it in (`exports`,
//! `require`, `module`, `__filename`, `__dirname`), and its
//! `module.exports` is the default export. `require` calls with a literal
//! name are found before the file runs (they become imports, so what they
//! name is loaded and evaluated first); `require` with any other argument
//! throws. The original text keeps its lines, so errors point into it.

use lang::lexer::{Token, tokenize};

/// A JSON file's text as a module, or why it is not JSON (with line:col).
pub fn json_module(text: &str) -> Result<String, String> {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        return Err(format!("invalid JSON at {}:{}: {e}", e.line(), e.column()));
    }
    let quoted = serde_json::to_string(text).expect("a string always serialises");
    Ok(format!("export default JSON.parse({quoted});\n"))
}

/// Whether a file Node would call CommonJS has `import` or `export`
/// declarations (then it is an ES module).
pub fn has_module_syntax(text: &str) -> bool {
    let (program, _) = lang::parser::parse_program(text);
    !program.module.is_empty()
}

/// The specifiers a CommonJS file passes to `require` as string literals,
/// in order, once each.
pub fn required(text: &str) -> Vec<String> {
    let (toks, _) = tokenize(text, 0);
    let mut out: Vec<String> = Vec::new();
    for w in toks.windows(4) {
        if let [a, b, c, d] = w
            && matches!(a.token, Token::Ident("require"))
            && matches!(b.token, Token::LParen)
            && matches!(d.token, Token::RParen)
            && let Token::Str(s) = &c.token
            && !out.contains(s)
        {
            out.push(s.clone());
        }
    }
    out
}

/// What one `require`d specifier gives: a CommonJS or JSON module's
/// default export (its `module.exports`, its value) or an ES module's
/// namespace.
pub struct Required {
    pub specifier: String,
    pub namespace: bool,
}

/// A CommonJS file's text as a module. Everything added goes on the first
/// line, before the original text, so its lines keep their numbers.
pub fn commonjs_module(text: &str, file: &str, dir: &str, requires: &[Required]) -> String {
    let quote = |s: &str| serde_json::to_string(s).expect("a string always serialises");
    let mut out = String::new();
    for (i, r) in requires.iter().enumerate() {
        out.push_str(&format!(
            "import * as __kw_req{i} from {};",
            quote(&r.specifier)
        ));
    }
    out.push_str("function __kw_require(specifier) {");
    for (i, r) in requires.iter().enumerate() {
        let value = if r.namespace {
            format!("__kw_req{i}")
        } else {
            format!("__kw_req{i}.default")
        };
        out.push_str(&format!(
            "if (specifier === {}) return {value};",
            quote(&r.specifier)
        ));
    }
    out.push_str(
        "throw new Error(\"Cannot find module '\" + specifier + \"': Kitwork loads what a CommonJS file requires before it runs, so require() takes a string literal\");}",
    );
    out.push_str("const __kw_module = { exports: {} };");
    out.push_str(&format!(
        "(function (exports, require, module, __filename, __dirname) {{{text}\n}}).call(__kw_module.exports, __kw_module.exports, __kw_require, __kw_module, {}, {});\n",
        quote(file),
        quote(dir)
    ));
    out.push_str("export default __kw_module.exports;\n");
    out
}
