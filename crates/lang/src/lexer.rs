//! The `logos` token set of the Kitwork language, and `tokenize`, which turns
//! a source text into tokens with spans (and diagnostics for bad input).

use super::diag::Diagnostic;
use super::source::Span;
use logos::Logos;
use std::borrow::Cow;

#[derive(Logos, Clone, Debug, PartialEq)]
// White space and line terminators as ECMAScript lists them (tab, VT, FF,
// the Zs spaces, BOM; LF, CR, LS, PS).
#[logos(skip r"[ \t\x0b\x0c\r\n\u{a0}\u{1680}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}]+")]
#[logos(skip(r"//[^\n\r\u{2028}\u{2029}]*", allow_greedy = true))]
#[logos(skip r"/\*([^*]|\*+[^*/])*\*+/")]
pub enum Token<'s> {
    #[regex(r"[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?", number)]
    #[regex(r"\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?", number)]
    #[regex(r"0[xX][0-9a-fA-F_]+", radix_number)]
    #[regex(r"0[bB][01_]+", radix_number)]
    #[regex(r"0[oO][0-7_]+", radix_number)]
    Number(f64),
    #[regex(r#""([^"\\\n\r]|\\(.|\n|\r))*""#, string)]
    #[regex(r#"'([^'\\\n\r]|\\(.|\n|\r))*'"#, string)]
    Str(String),
    #[token("`", template)]
    Template(&'s str),
    // The lexer takes every code point beyond ASCII that is not white space
    // or a line terminator, and `\u` escapes; `tokenize` then checks the
    // name against Unicode's ID_Start / ID_Continue (`check_identifier`).
    // The token holds the source text; `ident_name` decodes escapes.
    #[regex(r"([A-Za-z_$]|\\u([0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})|[\u{80}-\u{9f}\u{a1}-\u{167f}\u{1681}-\u{1fff}\u{200b}-\u{2027}\u{202a}-\u{202e}\u{2030}-\u{205e}\u{2060}-\u{2fff}\u{3001}-\u{fefe}\u{ff00}-\u{10FFFF}])([A-Za-z0-9_$]|\\u([0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})|[\u{80}-\u{9f}\u{a1}-\u{167f}\u{1681}-\u{1fff}\u{200b}-\u{2027}\u{202a}-\u{202e}\u{2030}-\u{205e}\u{2060}-\u{2fff}\u{3001}-\u{fefe}\u{ff00}-\u{10FFFF}])*")]
    Ident(&'s str),
    /// `#name`: a class's private name (the `#` included).
    #[regex(r"#([A-Za-z_$]|\\u([0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})|[\u{80}-\u{9f}\u{a1}-\u{167f}\u{1681}-\u{1fff}\u{200b}-\u{2027}\u{202a}-\u{202e}\u{2030}-\u{205e}\u{2060}-\u{2fff}\u{3001}-\u{fefe}\u{ff00}-\u{10FFFF}])([A-Za-z0-9_$]|\\u([0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})|[\u{80}-\u{9f}\u{a1}-\u{167f}\u{1681}-\u{1fff}\u{200b}-\u{2027}\u{202a}-\u{202e}\u{2030}-\u{205e}\u{2060}-\u{2fff}\u{3001}-\u{fefe}\u{ff00}-\u{10FFFF}])*")]
    PrivateName(&'s str),

    #[token("let")]
    Let,
    #[token("const")]
    Const,
    #[token("var")]
    Var,
    #[token("function")]
    Function,
    #[token("return")]
    Return,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("for")]
    For,
    #[token("while")]
    While,
    #[token("do")]
    Do,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("switch")]
    Switch,
    #[token("case")]
    Case,
    #[token("default")]
    Default,
    #[token("throw")]
    Throw,
    #[token("try")]
    Try,
    #[token("catch")]
    Catch,
    #[token("finally")]
    Finally,
    #[token("new")]
    New,
    #[token("delete")]
    Delete,
    #[token("typeof")]
    Typeof,
    #[token("void")]
    Void,
    #[token("instanceof")]
    Instanceof,
    #[token("in")]
    In,
    #[token("this")]
    This,
    #[token("null")]
    Null,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("class")]
    Class,

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(";")]
    Semi,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token("?")]
    Question,
    #[token("?.")]
    QuestionDot,
    #[token(":")]
    Colon,
    #[token("=>")]
    Arrow,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusAssign,
    #[token("-=")]
    MinusAssign,
    #[token("*=")]
    StarAssign,
    #[token("/=")]
    SlashAssign,
    #[token("%=")]
    PercentAssign,
    #[token("**=")]
    StarStarAssign,
    #[token("<<=")]
    ShlAssign,
    #[token(">>=")]
    ShrAssign,
    #[token(">>>=")]
    UShrAssign,
    #[token("&=")]
    AmpAssign,
    #[token("|=")]
    PipeAssign,
    #[token("^=")]
    CaretAssign,
    #[token("&&=")]
    AndAssign,
    #[token("||=")]
    OrAssign,
    #[token("??=")]
    NullishAssign,
    #[token("==")]
    EqEq,
    #[token("===")]
    EqEqEq,
    #[token("!=")]
    NotEq,
    #[token("!==")]
    NotEqEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("**")]
    StarStar,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("++")]
    PlusPlus,
    #[token("--")]
    MinusMinus,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token(">>>")]
    UShr,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("!")]
    Bang,
    #[token("~")]
    Tilde,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("??")]
    Nullish,

    /// A regular expression literal, `/` to its flags; made by `tokenize`
    /// where a `/` cannot divide, never by logos.
    RegExp(&'s str),
    /// End of input; added by `tokenize`, never produced by logos.
    Eof,
    /// Where the lexer reported an error; the parser stays quiet about it.
    Error,
}

fn number<'s>(lex: &mut logos::Lexer<'s, Token<'s>>) -> Option<f64> {
    let s = lex.slice();
    if s.contains('_') {
        s.replace('_', "").parse().ok()
    } else {
        s.parse().ok()
    }
}

fn radix_number<'s>(lex: &mut logos::Lexer<'s, Token<'s>>) -> Option<f64> {
    let s = lex.slice();
    let radix = match s.as_bytes()[1] {
        b'x' | b'X' => 16,
        b'b' | b'B' => 2,
        _ => 8,
    };
    let mut v = 0f64;
    for c in s[2..].chars().filter(|&c| c != '_') {
        v = v * radix as f64 + c.to_digit(radix)? as f64;
    }
    Some(v)
}

fn string<'s>(lex: &mut logos::Lexer<'s, Token<'s>>) -> Option<String> {
    let s = lex.slice();
    unescape(&s[1..s.len() - 1])
}

/// Consumes a template literal up to its closing backtick, skipping over
/// `${ … }` substitutions (which may hold strings and nested templates).
fn template<'s>(lex: &mut logos::Lexer<'s, Token<'s>>) -> Option<&'s str> {
    let rest = lex.remainder();
    let len = scan_template(rest.as_bytes())?;
    lex.bump(len);
    let s = lex.slice();
    Some(s)
}

/// Length of a template's body plus its closing backtick, or None if it never closes.
fn scan_template(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return Some(i + 1),
            b'$' if b.get(i + 1) == Some(&b'{') => {
                i += 2 + scan_substitution(&b[i + 2..])?;
            }
            _ => i += 1,
        }
    }
    None
}

/// Length of a `${` substitution's body including its closing `}`.
pub(crate) fn scan_substitution(b: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i + 1),
            b'}' => depth -= 1,
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => i += scan_template(&b[i + 1..])?,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Why numeric literal `text` (followed by `rest`) is not one strict code
/// accepts: a legacy octal (`010`, `08`), a `_` that is not between two
/// digits, or a name or digit right after the number (`3in`).
fn check_number(text: &str, rest: &str) -> Option<&'static str> {
    let b = text.as_bytes();
    if b.len() > 1 && b[0] == b'0' && (b[1].is_ascii_digit() || b[1] == b'_') {
        return Some("legacy octal and leading-zero numbers are not allowed in strict code");
    }
    let digits = |c: u8, hex: bool| c.is_ascii_digit() || (hex && c.is_ascii_hexdigit());
    let hex = text.starts_with("0x") || text.starts_with("0X");
    let start = if text.len() > 1 && b[0] == b'0' && b[1].is_ascii_alphabetic() {
        2
    } else {
        0
    };
    for i in start..b.len() {
        if b[i] == b'_' {
            let before = i > start && digits(b[i - 1], hex);
            let after = i + 1 < b.len() && digits(b[i + 1], hex);
            if !before || !after {
                return Some("a numeric separator `_` must sit between two digits");
            }
        }
    }
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '$' || c == '_' || c == '\\') {
        return Some("a number cannot be followed directly by a name or a digit");
    }
    None
}

/// The name an identifier (or `#private` name) token spells: its source
/// text with `\u` escapes decoded. Text without escapes is borrowed.
pub fn ident_name(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(
        decode_identifier(raw).map_or_else(|| raw.to_string(), |cs| cs.into_iter().collect()),
    )
}

/// The code points an identifier's text spells, escapes decoded; None when
/// an escape names no code point.
fn decode_identifier(raw: &str) -> Option<Vec<char>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if let Some(esc) = rest.strip_prefix("\\u") {
            let (hex, len) = match esc.strip_prefix('{') {
                Some(b) => {
                    let end = b.find('}')?;
                    (&b[..end], end + 2)
                }
                None => (esc.get(..4)?, 4),
            };
            out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
            rest = &esc[len..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Some(out)
}

/// Why identifier text `raw` is not a name: a code point that is not
/// Unicode's ID_Start (first) or ID_Continue (after), `$`, `_`, ZWNJ or ZWJ;
/// None when it is one.
fn check_identifier(raw: &str) -> Option<String> {
    let body = raw.strip_prefix('#').unwrap_or(raw);
    let Some(chars) = decode_identifier(body) else {
        return Some("invalid Unicode escape in a name".into());
    };
    for (i, &c) in chars.iter().enumerate() {
        let ok = if i == 0 {
            // Other_ID_Start: in ID_Start, not in XID_Start.
            c == '$'
                || c == '_'
                || unicode_ident::is_xid_start(c)
                || matches!(
                    c,
                    '\u{1885}' | '\u{1886}' | '\u{2118}' | '\u{212e}' | '\u{309b}' | '\u{309c}'
                )
        } else {
            c == '$'
                || c == '\u{200c}'
                || c == '\u{200d}'
                || unicode_ident::is_xid_continue(c)
                || matches!(
                    c,
                    '\u{1885}' | '\u{1886}' | '\u{2118}' | '\u{212e}' | '\u{309b}' | '\u{309c}'
                )
        };
        if !ok {
            return Some(format!("`{}` cannot be part of a name", c.escape_default()));
        }
    }
    None
}

/// Decodes the escapes of a string literal body; None on a malformed escape.
pub fn unescape(s: &str) -> Option<String> {
    if !s.contains('\\') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut units: Vec<u16> = Vec::new();
    let mut chars = s.chars().peekable();
    let flush = |units: &mut Vec<u16>, out: &mut String| {
        if !units.is_empty() {
            out.push_str(&String::from_utf16_lossy(units));
            units.clear();
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut units, &mut out);
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars>, n: usize| -> Option<u32> {
            let mut v = 0;
            for _ in 0..n {
                v = v * 16 + chars.next()?.to_digit(16)?;
            }
            Some(v)
        };
        match e {
            'u' => {
                let v = if chars.peek() == Some(&'{') {
                    chars.next();
                    let mut v = 0u32;
                    loop {
                        let c = chars.next()?;
                        if c == '}' {
                            break;
                        }
                        v = v.checked_mul(16)? + c.to_digit(16)?;
                        if v > 0x10FFFF {
                            return None;
                        }
                    }
                    v
                } else {
                    hex(&mut chars, 4)?
                };
                if v <= 0xFFFF {
                    units.push(v as u16);
                } else {
                    flush(&mut units, &mut out);
                    out.push(char::from_u32(v)?);
                }
                continue;
            }
            'x' => {
                flush(&mut units, &mut out);
                out.push(char::from_u32(hex(&mut chars, 2)?)?);
                continue;
            }
            _ => {}
        }
        flush(&mut units, &mut out);
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            // Strict code has no octal escapes (`\01`, `\7`) nor `\8`, `\9`.
            '0' if chars.peek().is_some_and(|c| c.is_ascii_digit()) => return None,
            '1'..='9' => return None,
            '0' => out.push('\0'),
            '\n' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            other => out.push(other),
        }
    }
    flush(&mut units, &mut out);
    Some(out)
}

/// A token with its span and whether a line break precedes it (for automatic
/// semicolon insertion).
#[derive(Clone, Debug)]
pub struct Lexeme<'s> {
    pub token: Token<'s>,
    pub span: Span,
    pub newline_before: bool,
}

/// Tokenizes `src` whose first byte sits at `base` in its file (templates
/// re-lex their substitutions with a base). Always ends with `Eof`.
/// Whether `gap` (white space and comments between two tokens) holds a
/// line terminator, for automatic semicolons.
fn has_line_terminator(gap: &str) -> bool {
    gap.contains(['\n', '\r', '\u{2028}', '\u{2029}'])
}

/// Whether a `/` after `prev` starts a regular expression rather than
/// dividing: not after a value (a name, a literal, `)`, `]`, `}`, `++`).
fn regex_may_start(prev: Option<&Lexeme>) -> bool {
    !matches!(
        prev.map(|l| &l.token),
        Some(
            Token::Ident(_)
                | Token::Number(_)
                | Token::Str(_)
                | Token::Template(_)
                | Token::RegExp(_)
                | Token::RParen
                | Token::RBracket
                | Token::RBrace
                | Token::This
                | Token::True
                | Token::False
                | Token::Null
                | Token::PlusPlus
                | Token::MinusMinus
        )
    )
}

/// The length of the regular expression literal `text` starts with: up to
/// its closing `/` (not one escaped or inside a `[…]` class) and its flags,
/// or to the end of the line when it is not closed; and whether it is.
fn regex_literal_len(text: &str) -> (usize, bool) {
    let mut in_class = false;
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((j, '\n' | '\r' | '\u{2028}' | '\u{2029}')) => return (j, false),
                _ => {}
            },
            '[' => in_class = true,
            ']' => in_class = false,
            '/' if !in_class => {
                let flags = text[i + 1..]
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(text.len() - i - 1);
                return (i + 1 + flags, true);
            }
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => return (i, false),
            _ => {}
        }
    }
    (text.len(), false)
}

pub fn tokenize(src: &str, base: usize) -> (Vec<Lexeme<'_>>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut lex = Token::lexer(src);
    let mut prev_end = 0;
    // A hashbang line (`#!/usr/bin/env kitwork`) at the very start is a
    // comment.
    if src.starts_with("#!") {
        let line = src
            .find(['\n', '\r', '\u{2028}', '\u{2029}'])
            .unwrap_or(src.len());
        lex.bump(line);
        prev_end = line;
    }
    while let Some(tok) = lex.next() {
        let r = lex.span();
        let span = Span::new(base + r.start, base + r.end);
        let newline_before = has_line_terminator(&src[prev_end..r.start]);
        prev_end = r.end;
        match tok {
            Ok(Token::Slash | Token::SlashAssign) if regex_may_start(out.last()) => {
                // A regular expression literal, taken whole (its escapes
                // and classes are the pattern's business, not the lexer's).
                let (len, closed) = regex_literal_len(&src[r.start..]);
                lex.bump(r.start + len - r.end);
                prev_end = r.start + len;
                let span = Span::new(base + r.start, base + r.start + len);
                let text = &src[r.start..r.start + len];
                let token = if !closed {
                    diags.push(Diagnostic::new(
                        "unterminated regular expression literal",
                        span,
                    ));
                    Token::Error
                } else {
                    Token::RegExp(text)
                };
                out.push(Lexeme {
                    token,
                    span,
                    newline_before,
                });
            }
            Ok(Token::Number(_)) if let Some(msg) = check_number(lex.slice(), &src[r.end..]) => {
                diags.push(Diagnostic::new(msg, span));
                out.push(Lexeme {
                    token: Token::Error,
                    span,
                    newline_before,
                });
            }
            Ok(Token::Ident(raw) | Token::PrivateName(raw))
                if (!raw.is_ascii() || raw.contains('\\'))
                    && let Some(msg) = check_identifier(raw) =>
            {
                diags.push(Diagnostic::new(msg, span));
                out.push(Lexeme {
                    token: Token::Error,
                    span,
                    newline_before,
                });
            }
            Ok(token) => out.push(Lexeme {
                token,
                span,
                newline_before,
            }),
            Err(()) => {
                let slice = lex.slice();
                let rest_of_line = src[r.end..].find('\n').map_or(src.len(), |i| r.end + i);
                let (msg, stop) = match slice.chars().next() {
                    Some(q @ ('"' | '\'')) if slice.len() > 1 && slice.ends_with(q) => (
                        "invalid escape sequence in string literal".to_string(),
                        false,
                    ),
                    Some('"' | '\'') => {
                        // The string runs to the end of the line: skip it whole.
                        lex.bump(rest_of_line - r.end);
                        ("unterminated string literal".to_string(), false)
                    }
                    Some('`') => ("unterminated template literal".to_string(), true),
                    Some('/') if src[r.start..].starts_with("/*") => {
                        ("unterminated block comment".to_string(), true)
                    }
                    Some(c) => (
                        format!("unexpected character `{}`", c.escape_default()),
                        false,
                    ),
                    None => ("unexpected end of input".to_string(), true),
                };
                diags.push(Diagnostic::new(msg, span));
                out.push(Lexeme {
                    token: Token::Error,
                    span,
                    newline_before,
                });
                prev_end = lex.span().end;
                if stop {
                    // The rest of the file is inside the unterminated literal.
                    prev_end = src.len();
                    break;
                }
            }
        }
    }
    let end = base + src.len();
    out.push(Lexeme {
        token: Token::Eof,
        span: Span::new(end, end),
        newline_before: has_line_terminator(&src[prev_end..]),
    });
    (out, diags)
}

/// How a token is named in "expected …, found …" messages.
pub fn describe(tok: &Token) -> String {
    match tok {
        Token::Number(_) => "a number".into(),
        Token::Str(_) => "a string".into(),
        Token::Template(_) => "a template literal".into(),
        Token::RegExp(_) => "a regular expression".into(),
        Token::Ident(s) | Token::PrivateName(s) => format!("`{s}`"),
        Token::Eof => "end of input".into(),
        Token::Error => "an invalid token".into(),
        other => format!("`{}`", punct_text(other)),
    }
}

fn punct_text(tok: &Token) -> &'static str {
    use Token::*;
    match tok {
        Let => "let",
        Const => "const",
        Var => "var",
        Function => "function",
        Return => "return",
        If => "if",
        Else => "else",
        For => "for",
        While => "while",
        Do => "do",
        Break => "break",
        Continue => "continue",
        Switch => "switch",
        Case => "case",
        Default => "default",
        Throw => "throw",
        Try => "try",
        Catch => "catch",
        Finally => "finally",
        New => "new",
        Delete => "delete",
        Typeof => "typeof",
        Void => "void",
        Instanceof => "instanceof",
        In => "in",
        This => "this",
        Null => "null",
        True => "true",
        False => "false",
        Class => "class",
        LBrace => "{",
        RBrace => "}",
        LParen => "(",
        RParen => ")",
        LBracket => "[",
        RBracket => "]",
        Semi => ";",
        Comma => ",",
        Dot => ".",
        Ellipsis => "...",
        Question => "?",
        QuestionDot => "?.",
        Colon => ":",
        Arrow => "=>",
        Assign => "=",
        PlusAssign => "+=",
        MinusAssign => "-=",
        StarAssign => "*=",
        SlashAssign => "/=",
        PercentAssign => "%=",
        StarStarAssign => "**=",
        ShlAssign => "<<=",
        ShrAssign => ">>=",
        UShrAssign => ">>>=",
        AmpAssign => "&=",
        PipeAssign => "|=",
        CaretAssign => "^=",
        AndAssign => "&&=",
        OrAssign => "||=",
        NullishAssign => "??=",
        EqEq => "==",
        EqEqEq => "===",
        NotEq => "!=",
        NotEqEq => "!==",
        Lt => "<",
        Le => "<=",
        Gt => ">",
        Ge => ">=",
        Plus => "+",
        Minus => "-",
        Star => "*",
        StarStar => "**",
        Slash => "/",
        Percent => "%",
        PlusPlus => "++",
        MinusMinus => "--",
        Shl => "<<",
        Shr => ">>",
        UShr => ">>>",
        Amp => "&",
        Pipe => "|",
        Caret => "^",
        Bang => "!",
        Tilde => "~",
        AndAnd => "&&",
        OrOr => "||",
        Nullish => "??",
        Number(_) | Str(_) | Template(_) | RegExp(_) | Ident(_) | PrivateName(_) | Eof | Error => {
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Token<'_>> {
        tokenize(s, 0).0.into_iter().map(|l| l.token).collect()
    }

    #[test]
    fn numbers_strings_and_operators() {
        assert_eq!(
            toks("x = 0x1F + 1_000.5e1 >>>= 'a\\n'"),
            vec![
                Token::Ident("x"),
                Token::Assign,
                Token::Number(31.0),
                Token::Plus,
                Token::Number(10005.0),
                Token::UShrAssign,
                Token::Str("a\n".into()),
                Token::Eof
            ]
        );
    }

    #[test]
    fn templates_nest() {
        let t = toks("`a${ `b${c}` + \"}\" }d` x");
        assert_eq!(t[0], Token::Template("`a${ `b${c}` + \"}\" }d`"));
        assert_eq!(t[1], Token::Ident("x"));
    }

    #[test]
    fn surrogate_pairs_combine() {
        assert_eq!(unescape("\\uD83D\\uDE00").unwrap(), "😀");
        assert_eq!(unescape("\\u{1F600}").unwrap(), "😀");
    }

    #[test]
    fn errors_are_reported() {
        let (_, d) = tokenize("let a = \"abc\nlet b = #;", 0);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "unterminated string literal");
        assert_eq!(d[1].message, "unexpected character `#`");
    }
}
