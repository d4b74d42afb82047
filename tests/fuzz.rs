//! Property tests: no input makes the lexer, parser or compiler panic, and
//! no program (random token soups that happen to compile, and generated
//! valid programs) makes the VM panic, collecting as often as it can; runs
//! are bounded by budgets. The HTTP request parser never panics, and a
//! request split anywhere is incomplete until its last byte.

use kitwork::vm::{Limits, Vm};
use proptest::prelude::*;

fn run(src: &str) {
    if let Ok(program) = kitwork::compile_file("fuzz.js", src) {
        let mut vm = Vm::new(Limits {
            instructions: 20_000,
            memory: 1 << 20,
        });
        vm.out = Box::new(std::io::sink());
        // Collect every 50 instructions: debug builds assert on any use of
        // a collected object, so a value the collector missed panics here.
        vm.enable_collector(50);
        vm.heap.collect_every(1);
        let main = vm.load(&program);
        let mut outcome = vm.start(main);
        // Answer suspensions a few times, then give up.
        for _ in 0..5 {
            match outcome {
                Ok(kitwork::vm::Outcome::Pending(_)) => {
                    outcome = vm.resume(kitwork::vm::Value::Undefined)
                }
                _ => break,
            }
        }
    }
}

const TOKENS: &[&str] = &[
    "let",
    "const",
    "var",
    "function",
    "return",
    "if",
    "else",
    "for",
    "while",
    "do",
    "break",
    "continue",
    "switch",
    "case",
    "default",
    "throw",
    "try",
    "catch",
    "finally",
    "new",
    "delete",
    "typeof",
    "void",
    "instanceof",
    "in",
    "of",
    "this",
    "null",
    "undefined",
    "true",
    "false",
    "x",
    "y",
    "f",
    "o",
    "a",
    "0",
    "1",
    "2.5",
    "1e3",
    "'s'",
    "\"t\"",
    "`a${x}b`",
    "`",
    "${",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    ".",
    "...",
    "?",
    "?.",
    "??",
    ":",
    "=>",
    "=",
    "+=",
    "-=",
    "**=",
    "&&=",
    "||=",
    "??=",
    "==",
    "===",
    "!=",
    "!==",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "**",
    "/",
    "%",
    "++",
    "--",
    "<<",
    ">>",
    ">>>",
    "&",
    "|",
    "^",
    "!",
    "~",
    "&&",
    "||",
    "\n",
    "//c\n",
    "/*c*/",
    "label:",
    "console.log",
    "[1,2,3]",
    "{a:1}",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|t| t.join(" "))
}

/// Expressions over a few variables; always syntactically valid.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0i32..100).prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "a",
            "b",
            "s",
            "arr",
            "obj",
            "null",
            "undefined",
            "'k'",
            "true",
            "NaN"
        ])
        .prop_map(str::to_string),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![
                    "+", "-", "*", "/", "%", "**", "==", "===", "<", ">=", "&&", "||", "??", "&",
                    "|", ">>", ">>>"
                ]),
                inner.clone()
            )
                .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
            (
                prop::sample::select(vec!["-", "!", "typeof ", "~", "+"]),
                inner.clone()
            )
                .prop_map(|(op, e)| format!("({op}{e})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, t, e)| format!("({c} ? {t} : {e})")),
            inner.clone().prop_map(|e| format!("arr[{e}]")),
            inner.clone().prop_map(|e| format!("obj?.[{e}]")),
            inner.clone().prop_map(|e| format!("`t${{{e}}}`")),
            inner.clone().prop_map(|e| format!("f({e})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("[{a}, ...arr, {b}]")),
        ]
    })
}

fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        expr().prop_map(|e| format!("a = {e};")),
        expr().prop_map(|e| format!("s += {e};")),
        expr().prop_map(|e| format!("arr.push({e});")),
        expr().prop_map(|e| format!("obj[{e}] = b;")),
        (expr(), expr()).prop_map(|(c, e)| format!("if ({c}) {{ b = {e}; }} else {{ b = a; }}")),
        expr().prop_map(|e| format!(
            "for (let i = 0; i < 3; i++) {{ a = {e}; if (i == 1) continue; }}"
        )),
        expr().prop_map(|e| format!(
            "try {{ throw {e}; }} catch (err) {{ b = err; }} finally {{ a = 1; }}"
        )),
        expr().prop_map(|e| format!("for (const k in obj) {{ s = k + {e}; }}")),
        expr().prop_map(|e| format!("switch ({e}) {{ case 1: a = 2; break; default: a = 3; }}")),
        expr().prop_map(|e| format!(
            "{{ const {{ p, ...rest }} = {{ p: {e}, q: 1 }}; b = [p, rest]; }}"
        )),
    ]
}

fn program() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 1..8).prop_map(|stmts| {
        format!(
            "let a = 1, b = 2, s = '', arr = [1, 2], obj = {{ k: 1 }};\nfunction f(x = 0, ...r) {{ return x + r.length; }}\n{}\nconsole.log(a, b, s.length, arr.length);",
            stmts.join("\n")
        )
    })
}

/// Statements that declare and capture `x` and `y` in every kind of scope
/// (blocks, switch cases, parameter defaults beside body `var`s, loop
/// heads, catch clauses, named function expressions), nested, each closure
/// kept in `fs` and called at the end: the compiler's and the resolver's
/// scope rules must agree, or a closure reads a slot that holds no cell.
fn scope_statement() -> impl Strategy<Value = String> {
    let n = 0i32..5;
    let leaf = prop_oneof![
        n.clone()
            .prop_map(|n| format!("let x = {n}; fs.push(() => x);")),
        n.clone()
            .prop_map(|n| format!("var y = {n}; fs.push(() => y);")),
        n.clone().prop_map(|n| format!("x = {n};")),
        Just("fs.push(() => typeof x + typeof y);".to_string()),
        Just("fs.push(function x() { return typeof x; });".to_string()),
        n.clone()
            .prop_map(|n| format!("const y = {n}; fs.push(() => y + x);")),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        let body = prop::collection::vec(inner, 0..3).prop_map(|v| v.join(" "));
        prop_oneof![
            body.clone().prop_map(|b| format!("{{ {b} }}")),
            (0i32..3, body.clone(), body.clone()).prop_map(|(n, a, b)| format!(
                "switch ({n}) {{ case fs.push(() => x), 0: {a} case 1: let y = {n}; fs.push(() => y); break; default: {b} }}"
            )),
            (0i32..5, body.clone()).prop_map(|(n, b)| format!(
                "function g(a = () => x, b = a) {{ var x = {n}; {b} fs.push(() => x + a()); }} g();"
            )),
            body.clone().prop_map(|b| format!(
                "for (let x = 0; x < 2; x++) {{ fs.push(() => x); {b} }}"
            )),
            body.clone().prop_map(|b| format!(
                "try {{ throw 7; }} catch (x) {{ fs.push(() => x); {b} }}"
            )),
            body.clone().prop_map(|b| format!(
                "fs.push(((x = fs.length, f = () => x) => {{ {b} return f; }})());"
            )),
            body.prop_map(|b| format!(
                "for (const y of [1, 2]) {{ fs.push(() => y); {b} if (y) break; }}"
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300), failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_the_front_end(s in "\\PC{0,200}") {
        let _ = kitwork::compile_file("fuzz.js", &s);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_front_end(b in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = kitwork::compile_file("fuzz.js", &String::from_utf8_lossy(&b));
    }

    #[test]
    fn the_request_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600), cut in 0usize..600) {
        use kitwork::gateway::http::{header_slots, parse, HttpLimits};
        let limits = HttpLimits { request_line: 64, header_bytes: 256, headers: 8, body: 128, ..HttpLimits::default() };
        let _ = parse(&bytes, &mut header_slots(), &limits);
        let _ = parse(&bytes[..cut.min(bytes.len())], &mut header_slots(), &limits);
    }

    #[test]
    fn requests_split_anywhere_parse_the_same(cut in 0usize..200, chunked in any::<bool>(), body in "[a-z]{0,40}") {
        use kitwork::gateway::http::{header_slots, parse, HttpLimits, Parsed};
        let raw = if chunked {
            // An empty chunk would end the body, so an empty body has only the last chunk.
            let chunk = if body.is_empty() { String::new() } else { format!("{:x}\r\n{body}\r\n", body.len()) };
            format!("POST /p?q=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}0\r\n\r\n")
        } else {
            format!("POST /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: {}\r\n\r\n{body}", body.len())
        };
        let raw = raw.as_bytes();
        let limits = HttpLimits::default();
        // Any prefix is incomplete; the whole request parses to the same body.
        let cut = cut.min(raw.len().saturating_sub(1));
        // (A whole head without its whole body is a `Head`.)
        let partial = matches!(
            parse(&raw[..cut], &mut header_slots(), &limits),
            Parsed::Partial { .. } | Parsed::Head { too_large: false, .. }
        );
        prop_assert!(partial, "a prefix of {} bytes parsed as complete", cut);
        let mut slots = header_slots();
        match parse(raw, &mut slots, &limits) {
            Parsed::Complete(req, used) => {
                prop_assert_eq!(used, raw.len());
                prop_assert_eq!(&req.body[..], body.as_bytes());
                prop_assert_eq!((req.path, req.query), ("/p", "q=1"));
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn token_soups_never_panic(src in token_soup()) {
        run(&src);
    }

    #[test]
    fn nested_scopes_and_captures_never_panic_the_vm(stmts in prop::collection::vec(scope_statement(), 1..6)) {
        let src = format!(
            "const fs = []; let x = 0;\n{}\nfor (const f of fs) console.log(String(f()));",
            stmts.join("\n")
        );
        run(&src);
    }

    #[test]
    fn generated_programs_compile_and_never_panic_the_vm(src in program()) {
        if let Err((file, diags)) = kitwork::compile_file("gen.js", &src) {
            panic!("a generated program failed to compile:\n{}\n{}", src, kitwork::lang::diag::render_all(&diags, &file));
        }
        run(&src);
    }
}
