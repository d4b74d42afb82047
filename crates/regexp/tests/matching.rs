//! The matcher against answers node gives for the same patterns and inputs.

use kitwork_regexp::{Exhausted, Regex, Scratch, UNSET};

/// The match of `pattern` in `text` from 0 as node prints it: the groups'
/// texts (`None` for undefined), or `None` for no match.
fn exec(pattern: &str, flags: &str, text: &str) -> Option<Vec<Option<String>>> {
    let re = Regex::new(pattern, flags).unwrap_or_else(|e| panic!("/{pattern}/{flags}: {e}"));
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut scratch = Scratch::default();
    let mut fuel = 10_000_000;
    if !re.search(&units[..], 0, &mut fuel, &mut scratch).unwrap() {
        return None;
    }
    Some(
        scratch
            .slots
            .chunks(2)
            .map(|s| (s[0] != UNSET).then(|| String::from_utf16_lossy(&units[s[0]..s[1]])))
            .collect(),
    )
}

fn m(pattern: &str, flags: &str, text: &str, want: &[Option<&str>]) {
    let got = exec(pattern, flags, text);
    let want: Vec<Option<String>> = want.iter().map(|s| s.map(str::to_string)).collect();
    assert_eq!(got, Some(want), "/{pattern}/{flags} on {text:?}");
}

fn no(pattern: &str, flags: &str, text: &str) {
    assert_eq!(
        exec(pattern, flags, text),
        None,
        "/{pattern}/{flags} on {text:?}"
    );
}

#[test]
fn literals_classes_and_alternatives() {
    m("b+", "", "aabbbc", &[Some("bbb")]);
    m("a|ab|abc", "", "abc", &[Some("a")]);
    m("[a-c]+", "", "xxcabz", &[Some("cab")]);
    m("[^a-c]+", "", "abxyc", &[Some("xy")]);
    m(r"\d+\.\d*", "", "v12.5x", &[Some("12.5")]);
    m(r"\bfoo\b", "", "a foo b", &[Some("foo")]);
    no(r"\bfoo\b", "", "afoob");
    m(".", "", "\nx", &[Some("x")]);
    m(".", "s", "\nx", &[Some("\n")]);
    m("^b", "m", "a\nb", &[Some("b")]);
    no("^b", "", "a\nb");
    m(r"[\w-]+", "", "  a-b_c ", &[Some("a-b_c")]);
}

#[test]
fn groups_quantifiers_and_backreferences() {
    m("(a)|(b)", "", "b", &[Some("b"), None, Some("b")]);
    m(
        "(z)((a+)?(b+)?(c))*",
        "",
        "zaacbbbcac",
        &[
            Some("zaacbbbcac"),
            Some("z"),
            Some("ac"),
            Some("a"),
            None,
            Some("c"),
        ],
    );
    m("(a*)*", "", "b", &[Some(""), None]);
    m("(a*)+", "", "b", &[Some(""), Some("")]);
    m("(a*)?", "", "b", &[Some(""), None]);
    m("(?:a|b)*?c", "", "abac", &[Some("abac")]);
    m("a{2,3}", "", "aaaa", &[Some("aaa")]);
    m("a{2,3}?", "", "aaaa", &[Some("aa")]);
    m("(ab){2}", "", "abababx", &[Some("abab"), Some("ab")]);
    m(r"(\w)\1", "", "abccd", &[Some("cc"), Some("c")]);
    m(
        r"(?<q>['\x22]).*?\k<q>",
        "",
        r#"say "hi" now"#,
        &[Some("\"hi\""), Some("\"")],
    );
    m(r"\1(a)", "", "aa", &[Some("a"), Some("a")]);
    m("(a)|b", "", "b", &[Some("b"), None]);
    m("(?:(a)|b)+", "", "ab", &[Some("ab"), None]);
    m("x*y+$", "", "xxyy", &[Some("xxyy")]);
    m(
        "(.*?)a(?!(a+)b\\2c)\\2(.*)",
        "",
        "baaabaac",
        &[Some("baaabaac"), Some("ba"), None, Some("abaac")],
    );
}

#[test]
fn lookarounds() {
    m("(?=(a+))a*b\\1", "", "baaabac", &[Some("aba"), Some("a")]);
    m(
        "(?<=\\$)\\d+(\\.\\d*)?",
        "",
        "cost $10.53",
        &[Some("10.53"), Some(".53")],
    );
    no("(?<!\\$)\\d+", "", "$1");
    m(
        "(?<=(\\d+)(\\d+))$",
        "",
        "1053",
        &[Some(""), Some("1"), Some("053")],
    );
    m("(?<=\\1(a))b", "", "aab", &[Some("b"), Some("a")]);
    m("(?!a)\\w", "", "ab", &[Some("b")]);
}

#[test]
fn case_insensitive_and_unicode() {
    m("ABC", "i", "xabcx", &[Some("abc")]);
    m("[a-z]+", "i", "HeLLo", &[Some("HeLLo")]);
    no("\u{17f}", "i", "s");
    m("\u{17f}", "iu", "S", &[Some("S")]);
    m(r"\w", "iu", "\u{212a}", &[Some("\u{212a}")]);
    m("^.$", "u", "😀", &[Some("😀")]);
    no("^.$", "", "😀");
    m("^..$", "", "😀", &[Some("😀")]);
    m(r"\u{1F600}", "u", "a😀", &[Some("😀")]);
    m(r"\p{Script=Greek}+", "u", "abc αβγ", &[Some("αβγ")]);
    m(r"\P{L}+", "u", "ab12cd", &[Some("12")]);
    m(r"[\uD83D\uDE00]", "", "😀", &[Some("\u{FFFD}")]);
    m(r"(?<=😀)x", "u", "😀x", &[Some("x")]);
}

#[test]
fn annex_b_forms_outside_u_mode() {
    m("a{", "", "a{", &[Some("a{")]);
    m("]", "", "]", &[Some("]")]);
    m(r"\8", "", "8", &[Some("8")]);
    m(r"\101", "", "A", &[Some("A")]);
    m(r"\c", "", "\\c", &[Some("\\c")]);
    m(r"[\c_]", "", "\u{1f}", &[Some("\u{1f}")]);
    m(r"\k", "", "k", &[Some("k")]);
    m(r"(?=a)*b", "", "b", &[Some("b")]);
    m(r"[\d-z]+", "", "1-z", &[Some("1-z")]);
    m(r"\u{2}", "", "uu", &[Some("uu")]);
}

#[test]
fn syntax_errors() {
    for (p, f) in [
        ("(", ""),
        ("a**", ""),
        ("[b-a]", ""),
        ("a{2,1}", ""),
        ("*", ""),
        ("{1}", ""),
        ("(?<a>x)(?<a>y)", ""),
        (r"\k<b>(?<a>x)", ""),
        ("{", "u"),
        (r"\c", "u"),
        (r"\1", "u"),
        (r"[\d-z]", "u"),
        (r"\p{Lowercase_letter}", "u"),
        (r"\p{Script=Foo}", "u"),
        ("(?<=a)*", ""),
        ("a", "gg"),
        ("a", "x"),
    ] {
        assert!(Regex::new(p, f).is_err(), "/{p}/{f} should not compile");
    }
}

#[test]
fn catastrophic_backtracking_runs_out_of_fuel() {
    let re = Regex::new("(a+)+$", "").unwrap();
    let text = format!("{}b", "a".repeat(30));
    let mut fuel = 10_000_000;
    let started = std::time::Instant::now();
    let r = re.search(text.as_bytes(), 0, &mut fuel, &mut Scratch::default());
    assert_eq!(r, Err(Exhausted));
    assert_eq!(fuel, 0);
    eprintln!("10M steps in {:?}", started.elapsed());
}
