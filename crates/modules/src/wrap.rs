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

/// `process.env.NODE_ENV` replaced by `value` (a string literal, or
/// `undefined` as in Node when it is not set), as bundlers define it:
/// packages read it to leave out their development checks, and there is
/// no `process` here. Nothing else of `process` is defined.
pub fn define_node_env<'t>(text: &'t str, value: Option<&str>) -> std::borrow::Cow<'t, str> {
    if !text.contains("NODE_ENV") {
        return text.into();
    }
    let (toks, _) = tokenize(text, 0);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (i, w) in toks.windows(5).enumerate() {
        let member = i > 0 && matches!(toks[i - 1].token, Token::Dot | Token::QuestionDot);
        if let [p, d1, e, d2, n] = w
            && !member
            && matches!(p.token, Token::Ident("process"))
            && matches!(d1.token, Token::Dot)
            && matches!(e.token, Token::Ident("env"))
            && matches!(d2.token, Token::Dot)
            && matches!(n.token, Token::Ident("NODE_ENV"))
            && p.span.start as usize >= copied
        {
            out.push_str(&text[copied..p.span.start as usize]);
            match value {
                Some(v) => out.push_str(&serde_json::to_string(v).expect("a string serialises")),
                None => out.push_str("undefined"),
            }
            copied = n.span.end as usize;
        }
    }
    if copied == 0 {
        return text.into();
    }
    out.push_str(&text[copied..]);
    out.into()
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
    for (i, w) in toks.windows(4).enumerate() {
        // `x.require("m")` is some object's method, not the module's.
        let member = i > 0 && matches!(toks[i - 1].token, Token::Dot | Token::QuestionDot);
        if let [a, b, c, d] = w
            && !member
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

/// What one `require`d specifier names, which decides what `require`
/// gives: a CommonJS file's `module.exports` (loading it on first use, as
/// Node does), a JSON file's value, an ES module's namespace.
pub struct Required {
    pub specifier: String,
    pub format: crate::resolve::Format,
}

/// The function a CommonJS module exports that runs its body on first use
/// and gives its `module.exports` (the loader calls it for the ES modules
/// that import it, and at the end of every load for the ones no one did).
pub const LOAD: &str = "__kw_load";

/// A CommonJS file's text as a module. Its body runs inside `__kw_load`,
/// the first time a `require` (or an ES module's import) asks for it, as
/// in Node; its `module.exports` is the default export. Everything added
/// goes on the first line, before the original text, so its lines keep
/// their numbers.
pub fn commonjs_module(text: &str, file: &str, dir: &str, requires: &[Required]) -> String {
    use crate::resolve::Format;
    let quote = |s: &str| serde_json::to_string(s).expect("a string always serialises");
    let mut out = String::new();
    for (i, r) in requires.iter().enumerate() {
        out.push_str(&format!(
            "import * as __kw_req{i} from {};",
            quote(&r.specifier)
        ));
    }
    out.push_str(&format!(
        "var __kw_module, __kw_exports;export {{ __kw_exports as default, {LOAD} }};"
    ));
    out.push_str("function __kw_require(specifier) {");
    for (i, r) in requires.iter().enumerate() {
        let value = match r.format {
            Format::CommonJs => format!("__kw_req{i}.{LOAD}()"),
            Format::Json => format!("__kw_req{i}.default"),
            Format::EsModule => format!("__kw_req{i}"),
        };
        out.push_str(&format!(
            "if (specifier === {}) return {value};",
            quote(&r.specifier)
        ));
    }
    out.push_str(
        "throw new Error(\"Cannot find module '\" + specifier + \"': Kitwork loads what a CommonJS file requires before it runs, so require() takes a string literal\");}",
    );
    out.push_str(&format!(
        "function {LOAD}() {{if (__kw_module === undefined) {{__kw_module = {{ exports: {{}} }};__kw_exports = __kw_module.exports;(function (exports, require, module, __filename, __dirname) {{{text}\n}}).call(__kw_module.exports, __kw_module.exports, __kw_require, __kw_module, {}, {});__kw_exports = __kw_module.exports;}}return __kw_module.exports;}}\n",
        quote(file),
        quote(dir)
    ));
    out
}
