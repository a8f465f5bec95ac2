//! Selectors: `$.a.['b.c'][0][*]`.

use crate::pattern::ast::{Selector, Step, StepKind};
use crate::pattern::chars::{is_name_byte, is_name_char};
use crate::pattern::error::{BracketKeyProblem, ErrorKind, IndexProblem, SelectorProblem};

use super::json::expected_condition;
use super::lex::ascii_run;
use super::{P, PResult, fail};

impl P {
    /// selector = "$" step+
    pub(super) fn selector<'a>(&self, i: &'a str) -> PResult<'a, Selector> {
        let Some(mut r) = i.strip_prefix('$') else {
            return expected_condition(i);
        };
        if !r.starts_with('.') {
            let name = r
                .get(..r.find(|c: char| !is_name_char(c)).unwrap_or(r.len()))
                .unwrap_or("");
            return fail(
                i,
                1 + name.len(),
                ErrorKind::EmptySelector {
                    name: name.to_owned(),
                },
            );
        }
        let mut steps = Vec::with_capacity(4);
        while r.starts_with('.') || r.starts_with('[') {
            let (r2, s) = self.step(r)?;
            steps.push(s);
            r = r2;
        }
        let selector = Selector {
            steps,
            span: self.span(i, r),
        };
        if selector.wildcard_count() > 1 {
            return fail(
                i,
                self.off(r) - self.off(i),
                ErrorKind::TooManyWildcardsInSelector,
            );
        }
        Ok((r, selector))
    }

    /// step = "." name | "." "*" | "." bracket_key | "[" digit+ "]" | "[" "*" "]"
    fn step<'a>(&self, i: &'a str) -> PResult<'a, Step> {
        let at = |r: &'a str, kind| {
            Ok((
                r,
                Step {
                    kind,
                    span: self.span(i, r),
                },
            ))
        };
        if let Some(r) = i.strip_prefix(".*") {
            return at(r, StepKind::AnyField);
        }
        if let Some(r) = i.strip_prefix('.') {
            if r.starts_with('[') {
                let (r, key) = bracket_key(i, r)?;
                return at(r, StepKind::Key(key));
            }
            let (r2, name) = ascii_run(r, is_name_byte)?;
            if name.is_empty() {
                let next = r.chars().next();
                return fail(
                    i,
                    1 + next.map_or(0, char::len_utf8),
                    ErrorKind::InvalidSelector(SelectorProblem::NoName { next }),
                );
            }
            return at(r2, StepKind::Field(name.to_owned()));
        }
        // "[" …
        let r = i.get(1..).unwrap_or("");
        if let Some(r) = r.strip_prefix("*]") {
            return at(r, StepKind::AnyIndex);
        }
        if r.starts_with('\'') || r.starts_with('"') {
            return fail(
                i,
                1,
                ErrorKind::InvalidSelector(SelectorProblem::KeyWithoutDot),
            );
        }
        let (r2, digits) = ascii_run(r, |b| b.is_ascii_digit())?;
        let close_len = r.find(']').map_or(r.len(), |p| p + 1);
        let problem = if digits.is_empty() || !r2.starts_with(']') {
            IndexProblem::NotANumber
        } else if digits.len() > 1 && digits.starts_with('0') {
            IndexProblem::LeadingZeros {
                digits: digits.to_owned(),
            }
        } else if let Ok(n) = digits.parse::<u32>() {
            return at(r2.get(1..).unwrap_or(""), StepKind::Index(n));
        } else {
            IndexProblem::TooLarge
        };
        fail(i, 1 + close_len, ErrorKind::InvalidIndex(problem))
    }
}

/// bracket_key = "[" "'" key_char+ "'" "]"   (`step` is at the `.`, `r` at the `[`)
fn bracket_key<'a>(step: &'a str, r: &'a str) -> PResult<'a, String> {
    let r = r.get(1..).unwrap_or("");
    let Some(inner) = r.strip_prefix('\'') else {
        return fail(
            step,
            2,
            ErrorKind::InvalidBracketKey(BracketKeyProblem::NotQuoted {
                double: r.starts_with('"'),
            }),
        );
    };
    let Some(end) = inner.find('\'') else {
        return fail(
            step,
            step.len(),
            ErrorKind::InvalidBracketKey(BracketKeyProblem::Unclosed),
        );
    };
    let key = inner.get(..end).unwrap_or("");
    let after = inner.get(end + 1..).unwrap_or("");
    if key.is_empty() || key.chars().any(char::is_control) {
        return fail(
            step,
            2 + end + 2,
            ErrorKind::InvalidBracketKey(BracketKeyProblem::Empty),
        );
    }
    match after.strip_prefix(']') {
        Some(rest) => Ok((rest, key.to_owned())),
        None => fail(
            step,
            2 + end + 2,
            ErrorKind::InvalidBracketKey(BracketKeyProblem::NoBracket),
        ),
    }
}
