//! Whitespace, words and tokens: the lexical helpers every section uses.
//!
//! The small ones are `#[inline]`: each section is its own module, and
//! without the hint a release build does not inline them across modules'
//! codegen units (measured: instructions per parse).

use crate::pattern::chars::{is_value_end, is_ws_byte};

use super::PResult;

/// Split off the longest prefix of ASCII bytes satisfying `pred`: a byte
/// scan, with no UTF-8 decoding (every class here is ASCII, so the split is
/// always on a character boundary).
#[inline]
pub(super) fn ascii_run(i: &str, pred: fn(u8) -> bool) -> PResult<'_, &str> {
    let n = i.bytes().position(|b| !pred(b)).unwrap_or(i.len());
    match (i.get(n..), i.get(..n)) {
        (Some(rest), Some(run)) => Ok((rest, run)),
        _ => Ok((i, "")),
    }
}

/// `ws?`
#[inline]
pub(super) fn ws0(i: &str) -> PResult<'_, &str> {
    ascii_run(i, is_ws_byte)
}

/// `ws`: at least one whitespace character.
#[inline]
pub(super) fn ws1(i: &str) -> PResult<'_, &str> {
    let (r, w) = ascii_run(i, is_ws_byte)?;
    if w.is_empty() {
        return Err(nom::Err::Error(nom::error::ParseError::from_error_kind(
            i,
            nom::error::ErrorKind::MultiSpace,
        )));
    }
    Ok((r, w))
}

/// `ws? op ws?`: the rest after `op` and the whitespace around it, or
/// `None` (without building an error) when `op` is not next.
#[inline]
pub(super) fn logical_op<'a>(i: &'a str, op: &str) -> Option<&'a str> {
    let (r, _) = ws0(i).ok()?;
    let (r, _) = ws0(r.strip_prefix(op)?).ok()?;
    Some(r)
}

/// The first word (letters only) of `i`, possibly empty.
#[inline]
pub(super) fn word_at(i: &str) -> &str {
    let n = i
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(i.len());
    i.get(..n).unwrap_or("")
}

/// The length of the run up to the next whitespace or structural character.
#[inline]
pub(super) fn token_len(i: &str) -> usize {
    i.find(|c: char| is_value_end(c) || matches!(c, '(' | '{' | '['))
        .unwrap_or(i.len())
        .max(i.chars().next().map_or(0, char::len_utf8))
}

/// The run up to the next whitespace or structural character, as an owned
/// text for an error.
pub(super) fn token(i: &str) -> String {
    i.get(..token_len(i)).unwrap_or("").to_owned()
}
