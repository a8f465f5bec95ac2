//! The characters and tokens of the language, and the shapes of values.

use super::Field;

/// Whitespace: space, tab, CR and LF.
pub(super) fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Split off leading whitespace: (rest, whitespace).
pub(super) fn ws0(i: &str) -> (&str, &str) {
    let n = i.len() - i.trim_start_matches(is_ws).len();
    (i.get(n..).unwrap_or(""), i.get(..n).unwrap_or(""))
}

/// The leading run of ASCII letters (possibly empty): a keyword candidate.
pub(super) fn word_at(i: &str) -> &str {
    let n = i
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(i.len());
    i.get(..n).unwrap_or("")
}

/// Characters of a field-name token: `@aws.account`, and the near misses
/// the parser diagnoses (`aws.account`, `$.account`, `@aws.accountId`).
pub(super) fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '-' | '$')
}

/// Characters of an unquoted value the parser diagnoses.
pub(super) fn is_bare_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '*' | ':' | '/')
}

/// The length of the token at the start of `i`: up to whitespace or a
/// structural character, at least one character (none at the end).
pub(super) fn token_len(i: &str) -> usize {
    i.find(|c: char| is_ws(c) || matches!(c, '(' | ')' | '[' | ']' | ',' | '"' | '\''))
        .unwrap_or(i.len())
        .max(i.chars().next().map_or(0, char::len_utf8))
}

/// The token at the start of `i`, for messages.
pub(super) fn token(i: &str) -> &str {
    i.get(..token_len(i)).unwrap_or("")
}

/// Whether `s` is a 12-digit account ID.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` has the shape of a Region code: lower-case words joined by
/// `-`, at least two of them, then a number (`us-east-1`, `us-gov-west-1`,
/// `eusc-de-east-1`).
pub fn is_region_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let last = parts.next_back().unwrap_or("");
    let words: Vec<&str> = parts.collect();
    words.len() >= 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// A quoted token at the start of `i` (`"…"` up to the closing quote), or
/// the plain token.
pub(super) fn token_quoted(i: &str) -> &str {
    match i.get(1..).and_then(|t| t.find('"')) {
        Some(p) => i.get(..p + 2).unwrap_or(i),
        None => token(i),
    }
}

/// An example value for a field, for help texts.
pub(super) fn example(field: Field) -> &'static str {
    match field {
        Field::Account => "111111111111",
        Field::Region => "us-east-1",
    }
}
