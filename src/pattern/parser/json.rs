//! JSON patterns: `{ … }` with conditions joined by `&&` and `||`.

use nom::Parser;
use nom::character::complete::char;

use crate::pattern::ast::{Condition, Expr, JsonPattern, Paren};
use crate::pattern::chars::is_name_char;
use crate::pattern::error::{ErrorKind, MAX_NESTING};

use super::lex::{token, word_at, ws0};
use super::{P, PErr, PResult, fail};

impl P {
    /// json = "{" ws? or_expr ws? "}"
    pub(super) fn json<'a>(&self, i: &'a str) -> PResult<'a, JsonPattern> {
        let (r, _) = char('{').parse(i)?;
        let (r, _) = ws0(r)?;
        if r.starts_with('}') {
            return fail(
                i,
                self.off(r) - self.off(i) + 1,
                ErrorKind::EmptyExpression { open: '{' },
            );
        }
        let (r, expr) = self.or_expr(r, 0)?;
        let (r, _) = ws0(r)?;
        match r.chars().next() {
            Some('}') => {
                let rest = r.get(1..).unwrap_or("");
                Ok((
                    rest,
                    JsonPattern {
                        span: self.span(i, rest),
                        expr,
                    },
                ))
            }
            None => fail(
                i,
                1,
                ErrorKind::UnclosedBrace {
                    condition_expected: false,
                },
            ),
            Some(_) => after_operand(r, '}'),
        }
    }

    /// or_expr = and_expr ( ws? "||" ws? and_expr )*
    fn or_expr<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr<Condition>> {
        self.chain_of(i, "||", Expr::Or, &|r| self.and_expr(r, depth))
    }

    /// and_expr = primary ( ws? "&&" ws? primary )*
    fn and_expr<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr<Condition>> {
        self.chain_of(i, "&&", Expr::And, &|r| self.primary(r, depth))
    }

    /// primary = "(" ws? or_expr ws? ")" | condition
    fn primary<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr<Condition>> {
        if !i.starts_with('(') {
            return self.condition(i).map(|(r, c)| (r, Expr::Leaf(c)));
        }
        if depth >= MAX_NESTING {
            return fail(i, 1, ErrorKind::TooDeep);
        }
        let (r, _) = char('(').parse(i)?;
        let (r, _) = ws0(r)?;
        if r.starts_with(')') {
            return fail(
                i,
                self.off(r) - self.off(i) + 1,
                ErrorKind::EmptyExpression { open: '(' },
            );
        }
        let (r, inner) = self.or_expr(r, depth + 1)?;
        let (r, _) = ws0(r)?;
        if let Some(rest) = r.strip_prefix(')') {
            return Ok((
                rest,
                Expr::Paren(Box::new(Paren {
                    inner,
                    span: self.span(i, rest),
                })),
            ));
        }
        if r.is_empty() || r.starts_with('}') {
            return fail(i, 1, ErrorKind::UnclosedParen);
        }
        after_operand(r, ')')
    }

    /// condition = selector test
    fn condition<'a>(&self, i: &'a str) -> PResult<'a, Condition> {
        let (r, selector) = self.selector(i)?;
        let (r, test) = self.test(r, &selector)?;
        Ok((
            r,
            Condition {
                selector,
                test,
                span: self.span(i, r),
            },
        ))
    }
}

/// The error after a complete operand that is not followed by `&&`,
/// `||` or the expected closing character.
fn after_operand<T>(r: &str, close: char) -> Result<T, nom::Err<PErr>> {
    if r.starts_with(')') {
        return fail(r, 1, ErrorKind::UnmatchedParen);
    }
    if (r.starts_with('|') && !r.starts_with("||")) || (r.starts_with('&') && !r.starts_with("&&"))
    {
        let op = if r.starts_with('|') { '|' } else { '&' };
        return fail(r, 1, ErrorKind::LoneOperator { op });
    }
    let w = word_at(r);
    if matches!(w.to_ascii_uppercase().as_str(), "AND" | "OR" | "NOT") {
        return fail(r, w.len(), ErrorKind::WordOperator { word: w.to_owned() });
    }
    let found = token(r);
    fail(
        r,
        found.len(),
        ErrorKind::ExpectedLogicalOperator { close, found },
    )
}

/// The error where a condition should start but does not.
pub(super) fn expected_condition<T>(i: &str) -> Result<T, nom::Err<PErr>> {
    if i.is_empty() {
        return fail(
            i,
            0,
            ErrorKind::UnclosedBrace {
                condition_expected: true,
            },
        );
    }
    let w: &str = i
        .get(
            ..i.find(|c: char| !is_name_char(c) && c != '.')
                .unwrap_or(i.len()),
        )
        .unwrap_or("");
    if w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return fail(
            i,
            w.len(),
            ErrorKind::SelectorWithoutRoot { name: w.to_owned() },
        );
    }
    let found = token(i);
    fail(
        i,
        found.len(),
        ErrorKind::ExpectedCondition {
            found: Some(found),
            operator: i.starts_with("&&") || i.starts_with("||"),
        },
    )
}
