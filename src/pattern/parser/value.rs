//! Values: double-quoted strings, `%regex%` and bare words.

use crate::pattern::ast::{Value, ValueKind};
use crate::pattern::chars::{is_bare_byte, is_regex_char, is_value_end};
use crate::pattern::error::ErrorKind;

use super::lex::{ascii_run, token_len};
use super::{P, PResult, fail};

impl P {
    /// value = dquoted | regex | bare
    pub(super) fn value<'a>(&self, i: &'a str) -> PResult<'a, Value> {
        let (r, kind) = match i.chars().next() {
            Some('"') => {
                let (r, raw) = dquoted(i)?;
                (r, ValueKind::Quoted(raw.to_owned()))
            }
            Some('%') => {
                let (r, body) = regex(i)?;
                (r, ValueKind::Regex(body.to_owned()))
            }
            Some('\'') => {
                let len = i
                    .get(1..)
                    .and_then(|t| t.find('\''))
                    .map_or(token_len(i), |p| p + 2);
                let inner = i.get(1..len.saturating_sub(1)).unwrap_or("");
                return fail(
                    i,
                    len,
                    ErrorKind::SingleQuotedValue {
                        inner: inner.to_owned(),
                    },
                );
            }
            _ => {
                let (r, b) = bare(i)?;
                (r, ValueKind::Bare(b.to_owned()))
            }
        };
        Ok((
            r,
            Value {
                kind,
                span: self.span(i, r),
            },
        ))
    }
}

/// dquoted = '"' ( '\"' | '\\' | dq_char )* '"'   — returns the raw text between the quotes.
pub(super) fn dquoted(i: &str) -> PResult<'_, &str> {
    let body = i.get(1..).unwrap_or("");
    let mut chars = body.char_indices();
    while let Some((p, c)) = chars.next() {
        match c {
            '"' => {
                let raw = body.get(..p).unwrap_or("");
                return Ok((body.get(p + 1..).unwrap_or(""), raw));
            }
            '\\' => match chars.next() {
                Some((_, '"' | '\\')) => {}
                Some((_, n)) => {
                    let at = body.get(p..).unwrap_or("");
                    return fail(
                        at,
                        1 + n.len_utf8(),
                        ErrorKind::InvalidEscape { escaped: n },
                    );
                }
                None => break,
            },
            _ => {}
        }
    }
    fail(i, i.len(), ErrorKind::UnclosedString)
}

/// regex = "%" regex_char+ "%"   — returns the text between the `%`.
pub(super) fn regex(i: &str) -> PResult<'_, &str> {
    let body = i.get(1..).unwrap_or("");
    let Some(end) = body.find('%') else {
        return fail(i, i.len(), ErrorKind::UnclosedRegex);
    };
    let re = body.get(..end).unwrap_or("");
    if re.is_empty() {
        return fail(i, 2, ErrorKind::InvalidRegex { found: None });
    }
    if let Some((p, c)) = re.char_indices().find(|&(_, c)| !is_regex_char(c)) {
        let at = body.get(p..).unwrap_or("");
        return fail(at, c.len_utf8(), ErrorKind::InvalidRegex { found: Some(c) });
    }
    Ok((body.get(end + 1..).unwrap_or(""), re))
}

/// bare = bare_char+
fn bare(i: &str) -> PResult<'_, &str> {
    let (r, b) = ascii_run(i, is_bare_byte)?;
    let next = r.chars().next();
    if next.is_none_or(is_value_end) && !b.is_empty() {
        return Ok((r, b));
    }
    if b.is_empty() && next.is_none_or(is_value_end) {
        return fail(i, token_len(i).min(2), ErrorKind::ExpectedValue);
    }
    let len = i.find(is_value_end).unwrap_or(i.len());
    let value = i.get(..len).unwrap_or("").to_owned();
    fail(i, len, ErrorKind::InvalidBareValue { value, term: false })
}
