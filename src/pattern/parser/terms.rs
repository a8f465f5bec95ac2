//! The standalone `%regex%` and unstructured terms (`ERROR -DEBUG ?WARN`).

use nom::Parser;
use nom::branch::alt;
use nom::character::complete::char;
use nom::combinator::opt;

use crate::pattern::ast::{RegexLit, Span, Term, TermPrefix, TermsPattern, Value, ValueKind};
use crate::pattern::chars::{is_bare_byte, is_ws};
use crate::pattern::error::{ErrorKind, TermProblem};

use super::lex::{ascii_run, token_len, ws0};
use super::value::regex;
use super::{P, PResult, fail};

impl P {
    /// regex_pattern = regex
    pub(super) fn regex_pattern<'a>(&self, i: &'a str) -> PResult<'a, RegexLit> {
        let (r, body) = regex(i)?;
        Ok((
            r,
            RegexLit {
                body: body.to_owned(),
                span: self.span(i, r),
            },
        ))
    }

    /// terms = term ( ws term )* ws?
    pub(super) fn terms<'a>(&self, i: &'a str) -> PResult<'a, TermsPattern> {
        let mut terms = Vec::new();
        let mut r = i;
        while !r.is_empty() {
            let (r2, t) = self.term(r)?;
            terms.push(t);
            let (r3, sep) = ws0(r2)?;
            if sep.is_empty() && !r3.is_empty() {
                return fail(
                    r3,
                    token_len(r3),
                    ErrorKind::InvalidTerm(TermProblem::NotSeparated),
                );
            }
            r = r3;
        }
        let span = match (terms.first(), terms.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => Span::new(self.off(i), self.off(i)),
        };
        Ok((r, TermsPattern { terms, span }))
    }

    /// term = ( "?" | "-" )? ( dquoted | bare )
    fn term<'a>(&self, i: &'a str) -> PResult<'a, Term> {
        let (r, prefix) = opt(alt((char('?'), char('-')))).parse(i)?;
        let prefix = match prefix {
            Some('?') => TermPrefix::Optional,
            Some(_) => TermPrefix::Exclude,
            None => TermPrefix::Required,
        };
        let (r, value) = match r.chars().next() {
            Some('"' | '\'') => self.value(r)?,
            Some('%') => {
                return fail(r, token_len(r), ErrorKind::InvalidTerm(TermProblem::Regex));
            }
            None => {
                return fail(
                    i,
                    1,
                    ErrorKind::InvalidTerm(TermProblem::Missing { prefix }),
                );
            }
            Some(c) if is_ws(c) => {
                return fail(
                    i,
                    1,
                    ErrorKind::InvalidTerm(TermProblem::SpaceAfterPrefix { prefix }),
                );
            }
            Some(_) => {
                let (r2, w) = ascii_run(r, is_bare_byte)?;
                if w.is_empty() || r2.chars().next().is_some_and(|c| !is_ws(c)) {
                    let len = r.find(is_ws).unwrap_or(r.len());
                    let value = r.get(..len).unwrap_or("").to_owned();
                    return fail(r, len, ErrorKind::InvalidBareValue { value, term: true });
                }
                (
                    r2,
                    Value {
                        kind: ValueKind::Bare(w.to_owned()),
                        span: self.span(r, r2),
                    },
                )
            }
        };
        Ok((
            r,
            Term {
                prefix,
                value,
                span: self.span(i, r),
            },
        ))
    }
}
