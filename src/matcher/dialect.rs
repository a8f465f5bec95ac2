//! The regular-expression dialect of filter patterns (`%…%`), translated to
//! the [`regex`] crate.
//!
//! The dialect (AWS, 2023) has literal characters, `.`, `^`, `$`, `|`, the
//! quantifiers `? * + {m,n}` (either bound may be left out), bracket classes
//! `[…]` and `[^…]`, the escapes `\d \D \s \S \w \W \xhh`, and a backslash
//! before any punctuation for the literal character. It has **no groups**:
//! `(` and `)` are not allowed (write `\x28` and `\x29`).
//!
//! The translation is explicit, character by character, so that nothing of
//! the `regex` crate's richer syntax (flags, `\b`, `\p{…}`, nested classes,
//! class set operations like `&&` or `--`) leaks into the dialect:
//! - every literal character is escaped when it needs escaping;
//! - `\d`, `\s`, `\w` and their negations become ASCII classes (`[0-9]`,
//!   `[\t\n\x0B\x0C\r ]`, `[0-9A-Za-z_]`);
//! - `{,n}` becomes `{0,n}`; bounds above [`MAX_REPEAT`] are refused;
//! - any other escape (`\b`, `\n`, `\1`, …) is an error.
//!
//! Matching is a search (unanchored unless `^`/`$`) and case-sensitive; `.`
//! matches any character but a newline. The `regex` crate runs in time
//! linear in the text, so no pattern can cause a backtracking blow-up, and
//! [`SIZE_LIMIT`] bounds the compiled program.

use std::fmt;

/// The largest repetition bound accepted in `{m,n}`.
pub const MAX_REPEAT: u32 = 1000;

/// The largest compiled regex program, in bytes.
pub const SIZE_LIMIT: usize = 1 << 20;

/// Why a regex body could not be translated or compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialectError {
    /// What is wrong, lowercase, user text in backticks.
    pub message: String,
    /// The byte offset in the body where the problem starts.
    pub offset: usize,
}

impl fmt::Display for DialectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {} of the regex)", self.message, self.offset)
    }
}

impl std::error::Error for DialectError {}

fn err(offset: usize, message: impl Into<String>) -> DialectError {
    DialectError {
        message: message.into(),
        offset,
    }
}

const DIGIT: &str = "0-9";
const SPACE: &str = r"\t\n\x0B\x0C\r ";
const WORD: &str = "0-9A-Za-z_";

/// The class body (without brackets) for a Perl escape letter, and whether it
/// is negated.
fn perl_class(letter: char) -> Option<(&'static str, bool)> {
    match letter {
        'd' => Some((DIGIT, false)),
        'D' => Some((DIGIT, true)),
        's' => Some((SPACE, false)),
        'S' => Some((SPACE, true)),
        'w' => Some((WORD, false)),
        'W' => Some((WORD, true)),
        _ => None,
    }
}

/// A literal character written so the `regex` crate reads it literally,
/// inside or outside a class.
fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_punctuation() || c == ' ' {
        // The regex crate accepts an escape before any ASCII punctuation,
        // and escaping `-`, `&`, `~`, `[` keeps class set syntax away.
        if c == ' ' {
            out.push_str(r"\x20");
        } else {
            out.push('\\');
            out.push(c);
        }
    } else if c.is_control() {
        out.push_str(&format!(r"\x{{{:X}}}", u32::from(c)));
    } else {
        out.push(c);
    }
}

/// Read `\xhh` after the `x`: exactly two hex digits.
fn hex_escape(chars: &[(usize, char)], i: &mut usize, at: usize) -> Result<char, DialectError> {
    let digit = |k: usize| chars.get(k).and_then(|&(_, c)| c.to_digit(16));
    match (digit(*i), digit(*i + 1)) {
        (Some(h), Some(l)) => {
            *i += 2;
            char::from_u32(h * 16 + l).ok_or_else(|| err(at, "invalid `\\x` escape"))
        }
        _ => Err(err(at, "`\\x` needs exactly two hex digits, as in `\\x28`")),
    }
}

/// Translate a dialect regex body (the text between `%` and `%`) into
/// `regex` crate syntax.
pub fn translate(body: &str) -> Result<String, DialectError> {
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    let mut out = String::with_capacity(body.len() + 8);
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        i += 1;
        match c {
            '(' | ')' => {
                return Err(err(
                    at,
                    format!(
                        "`{c}` is not allowed in a filter regex (no groups); write `\\x28` or `\\x29` for a literal parenthesis"
                    ),
                ));
            }
            '.' | '^' | '$' | '|' | '?' | '*' | '+' => out.push(c),
            '{' => translate_repeat(&chars, &mut i, at, &mut out)?,
            '[' => translate_class(&chars, &mut i, at, &mut out)?,
            '\\' => {
                let Some(&(_, e)) = chars.get(i) else {
                    return Err(err(at, "the regex ends with a lone `\\`"));
                };
                i += 1;
                if let Some((class, negated)) = perl_class(e) {
                    out.push_str(if negated { "[^" } else { "[" });
                    out.push_str(class);
                    out.push(']');
                } else if e == 'x' {
                    let lit = hex_escape(&chars, &mut i, at)?;
                    push_literal(&mut out, lit);
                } else if e.is_ascii_punctuation() {
                    push_literal(&mut out, e);
                } else {
                    return Err(err(
                        at,
                        format!(
                            "unsupported escape `\\{e}`: the filter regex dialect has `\\d \\D \\s \\S \\w \\W \\xhh` and `\\` before punctuation"
                        ),
                    ));
                }
            }
            _ => push_literal(&mut out, c),
        }
    }
    Ok(out)
}

/// `{m}`, `{m,}`, `{,n}`, `{m,n}` after the `{`.
fn translate_repeat(
    chars: &[(usize, char)],
    i: &mut usize,
    at: usize,
    out: &mut String,
) -> Result<(), DialectError> {
    let mut text = String::new();
    loop {
        match chars.get(*i) {
            Some(&(_, '}')) => {
                *i += 1;
                break;
            }
            Some(&(_, c)) if c.is_ascii_digit() || c == ',' => {
                text.push(c);
                *i += 1;
            }
            _ => {
                return Err(err(
                    at,
                    "`{` starts a repetition `{m,n}` with numbers only; write `\\{` for a literal brace",
                ));
            }
        }
    }
    let bound = |s: &str| -> Result<Option<u32>, DialectError> {
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<u32>() {
            Ok(n) if n <= MAX_REPEAT => Ok(Some(n)),
            _ => Err(err(
                at,
                format!("repetition bound `{s}` is larger than {MAX_REPEAT}"),
            )),
        }
    };
    let (lo, hi, comma) = match text.split_once(',') {
        Some((lo, hi)) => {
            if hi.contains(',') {
                return Err(err(at, format!("invalid repetition `{{{text}}}`")));
            }
            (bound(lo)?, bound(hi)?, true)
        }
        None => (bound(&text)?, None, false),
    };
    match (lo, hi, comma) {
        (Some(m), None, false) => out.push_str(&format!("{{{m}}}")),
        (Some(m), None, true) => out.push_str(&format!("{{{m},}}")),
        (None, Some(n), true) => out.push_str(&format!("{{0,{n}}}")),
        (Some(m), Some(n), true) if m <= n => out.push_str(&format!("{{{m},{n}}}")),
        (Some(m), Some(n), _) => {
            return Err(err(
                at,
                format!("repetition `{{{m},{n}}}` has its bounds reversed"),
            ));
        }
        _ => return Err(err(at, format!("invalid repetition `{{{text}}}`"))),
    }
    Ok(())
}

/// A bracket class after the `[`.
fn translate_class(
    chars: &[(usize, char)],
    i: &mut usize,
    at: usize,
    out: &mut String,
) -> Result<(), DialectError> {
    out.push('[');
    if let Some(&(_, '^')) = chars.get(*i) {
        out.push('^');
        *i += 1;
    }
    let mut first = true;
    // The last item, when it was a single character (a range may follow).
    let mut items = 0usize;
    loop {
        let Some(&(pos, c)) = chars.get(*i) else {
            return Err(err(at, "unclosed `[` class"));
        };
        *i += 1;
        if c == ']' && !first {
            break;
        }
        first = false;
        // One item: a character (possibly the start of a range) or a class escape.
        let lo = match c {
            '\\' => {
                let Some(&(_, e)) = chars.get(*i) else {
                    return Err(err(pos, "unclosed `[` class"));
                };
                *i += 1;
                if let Some((class, negated)) = perl_class(e) {
                    out.push_str(if negated { "[^" } else { "[" });
                    out.push_str(class);
                    out.push(']');
                    items += 1;
                    continue;
                } else if e == 'x' {
                    hex_escape(chars, i, pos)?
                } else if e.is_ascii_punctuation() {
                    e
                } else {
                    return Err(err(pos, format!("unsupported escape `\\{e}` in a class")));
                }
            }
            '(' | ')' => {
                return Err(err(
                    pos,
                    format!("`{c}` is not allowed in a filter regex; write `\\x28` or `\\x29`"),
                ));
            }
            other => other,
        };
        // A range `lo-hi`, unless the `-` is the last thing before `]`.
        let is_range = matches!(chars.get(*i), Some(&(_, '-')))
            && chars.get(*i + 1).is_some_and(|&(_, n)| n != ']');
        if is_range {
            *i += 1;
            let hi = range_end(chars, i, pos)?;
            if hi < lo {
                return Err(err(pos, format!("class range `{lo}-{hi}` is reversed")));
            }
            push_literal(out, lo);
            out.push('-');
            push_literal(out, hi);
        } else {
            push_literal(out, lo);
        }
        items += 1;
    }
    if items == 0 {
        return Err(err(at, "empty `[]` class"));
    }
    out.push(']');
    Ok(())
}

/// The end of a class range `lo-hi`, after the `-`: a character, `\xHH` or
/// an escaped punctuation character. `pos` is where the range starts.
fn range_end(chars: &[(usize, char)], i: &mut usize, pos: usize) -> Result<char, DialectError> {
    let Some(&(hpos, h)) = chars.get(*i) else {
        return Err(err(pos, "unclosed `[` class"));
    };
    *i += 1;
    if h != '\\' {
        return Ok(h);
    }
    let Some(&(_, e)) = chars.get(*i) else {
        return Err(err(hpos, "unclosed `[` class"));
    };
    *i += 1;
    if e == 'x' {
        hex_escape(chars, i, hpos)
    } else if e.is_ascii_punctuation() {
        Ok(e)
    } else {
        Err(err(hpos, format!("invalid range end `\\{e}`")))
    }
}

/// Translate and compile a dialect regex body.
pub fn compile(body: &str) -> Result<regex::Regex, DialectError> {
    let translated = translate(body)?;
    regex::RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let detail = match e {
                regex::Error::CompiledTooBig(_) => "the regex is too large".to_owned(),
                regex::Error::Syntax(s) => s
                    .lines()
                    .rev()
                    .find(|l| l.starts_with("error:"))
                    .map_or_else(
                        || "invalid regex".to_owned(),
                        |l| l.trim_start_matches("error: ").to_owned(),
                    ),
                _ => "invalid regex".to_owned(),
            };
            err(0, format!("cannot compile regex `{body}`: {detail}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(body: &str, text: &str) -> bool {
        compile(body).unwrap().is_match(text)
    }

    #[test]
    fn unanchored_search_unless_anchored() {
        assert!(m("AUTHORIZED", "UNAUTHORIZED"));
        assert!(!m("^AUTHORIZED", "UNAUTHORIZED"));
        assert!(m("^UN", "UNAUTHORIZED"));
        assert!(m("ZED$", "UNAUTHORIZED"));
        assert!(!m("ZE$", "UNAUTHORIZED"));
        assert!(!m("authorized", "UNAUTHORIZED"), "case-sensitive");
    }

    #[test]
    fn documented_examples() {
        // `%gra|ey%` is `gra` or `ey` (the docs misdescribe it).
        assert!(m("gra|ey", "grab"));
        assert!(m("gra|ey", "hey"));
        assert!(!m("gra|ey", "gry"));
        assert!(m("abcc|ab[^c]$", "abd"));
        assert!(!m("abcc|ab[^c]$", "abc"));
        assert!(m("val.{2}", "valxy"));
        assert!(!m("^val.{2}$", "valx"));
        assert!(m(r"127\.0\.0\.[1-9]", "127.0.0.5"));
        assert!(!m(r"127\.0\.0\.[1-9]", "127a0.0.0"));
        assert!(m(r"\x28x\x29", "f(x)"));
        assert!(m("a{,2}b$", "b"));
        assert!(m("^a{2,}$", "aaaa"));
        assert!(!m("^a{2,}$", "a"));
        assert!(m(r"^\d+$", "123"));
        assert!(!m(r"^\d+$", "١٢٣"), "\\d is ASCII");
        assert!(m(r"^\w+@\w+$", "a_1@b"));
        assert!(m(r"\s", "a b"));
        assert!(m(r"^\S+$", "ab"));
        assert!(m(r"^[\d_]+$", "1_2"));
        assert!(m(r"^[^\d]+$", "ab"));
        assert!(m(r"^[\D]+$", "ab"));
        assert!(!m(r"^[\D]+$", "a1"));
    }

    #[test]
    fn literal_punctuation_never_becomes_syntax() {
        // `&&`, `--` and `~~` are class set operators in the regex crate.
        assert!(m("[a&&b]", "&"));
        assert!(m("[~~a]", "~"));
        assert!(m("[-a]", "-"));
        assert!(
            compile("[a--b]").is_err(),
            "a range from `a` to `-` is reversed"
        );
        assert!(m("[]a]", "]"));
        assert!(m("[a-]", "-"));
        assert!(m("#=@/;,:-", "x#=@/;,:-y"));
        assert!(m("}", "}"));
        assert!(m(r"\.", "."));
        assert!(!m(r"\.", "a"));
    }

    #[test]
    fn range_ends_may_be_escaped() {
        assert!(m(r"^[a-\x7a]+$", "mz"));
        assert!(!m(r"^[a-\x7a]+$", "{"));
        assert!(m(r"^[!-\~]+$", "a~!"));
        let e = compile(r"ab[a-\d]").unwrap_err();
        assert!(e.message.contains("invalid range end `\\d`"), "{e}");
        assert_eq!(e.offset, 5);
        let e = compile(r"[a-\").unwrap_err();
        assert!(e.message.contains("unclosed `[` class"), "{e}");
        assert_eq!(e.offset, 3);
    }

    #[test]
    fn refused() {
        for bad in [
            "(a|b)", "a)", r"\b", r"\n", r"\1", r"\p{L}", "a{1001}", "a{3,1}", "a{x}", "a{1,2,3}",
            "[a", "[]", "[z-a]", r"\x4", "\\", "*a",
        ] {
            assert!(compile(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn errors_are_messages() {
        let e = compile("(a)").unwrap_err();
        assert!(e.message.contains("\\x28"), "{e}");
        assert_eq!(e.offset, 0);
        let e = compile("ab(").unwrap_err();
        assert_eq!(e.offset, 2);
    }

    #[test]
    fn huge_programs_are_refused_not_slow() {
        assert!(compile(".{1000}.{1000}.{1000}.{1000}").is_err());
    }
}
