//! `Diagnostic`: every lex, parse and compile error, rendered the way rustc
//! prints errors (`file:line:col`, the source line, a caret).

use super::source::{SourceFile, Span};
use std::fmt::Write;

/// One error found in a script.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Lowercase, no trailing period: what was expected and what was found.
    pub message: String,
    pub span: Span,
    /// Short text printed after the caret.
    pub label: String,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span,
            label: String::new(),
            notes: Vec::new(),
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// `line:col: message`, the short form used by the script tests.
    pub fn short(&self, file: &SourceFile) -> String {
        let (line, col) = file.line_col(self.span.start);
        format!("{}:{}: {}", line, col, self.message)
    }

    /// The full rustc-style rendering.
    pub fn render(&self, file: &SourceFile) -> String {
        let (line, col) = file.line_col(self.span.start);
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let text = file.line_text(line);
        let mut out = String::new();
        let _ = writeln!(out, "error: {}", self.message);
        let _ = writeln!(out, "{pad}--> {}:{}:{}", file.name, line, col);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line} | {text}");
        // Caret width: the span's characters on this line, at least one.
        let line_start = file.line_col(self.span.start).1 - 1;
        let (end_line, end_col) = file.line_col(self.span.end);
        let width = if end_line == line {
            (end_col - 1).saturating_sub(line_start).max(1)
        } else {
            1
        };
        let lead: String = text
            .chars()
            .take(col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = write!(out, "{pad} | {lead}{}", "^".repeat(width));
        if !self.label.is_empty() {
            let _ = write!(out, " {}", self.label);
        }
        out.push('\n');
        for note in &self.notes {
            let _ = writeln!(out, "{pad} = note: {note}");
        }
        out
    }
}

/// Renders every diagnostic of a file, followed by a count line.
pub fn render_all(diags: &[Diagnostic], file: &SourceFile) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.render(file));
        out.push('\n');
    }
    let n = diags.len();
    let _ = writeln!(
        out,
        "error: could not compile `{}` due to {} previous error{}",
        file.name,
        n,
        if n == 1 { "" } else { "s" }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let f = SourceFile::new(
            "work/users.js",
            "let a = 1;\n  return db(\"users\").get(id;\n",
        );
        let start = f.text.find("id;").unwrap() + 2;
        let d = Diagnostic::new(
            "expected `)` to close the call, found `;`",
            Span::new(start, start + 1),
        )
        .with_label("expected `)` here");
        assert_eq!(
            d.render(&f),
            r#"error: expected `)` to close the call, found `;`
 --> work/users.js:2:28
  |
2 |   return db("users").get(id;
  |                            ^ expected `)` here
"#
        );
    }
}
