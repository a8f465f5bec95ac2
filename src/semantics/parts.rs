//! Semantic checks of one pattern's parts, for linters: a pattern that
//! matches no event, parts of it that change nothing (an alternative that
//! never holds, a condition another one covers), and `!=` conditions that
//! miss the events without their field.
//!
//! Each check is a comparison ([`super::compare_within`]) of the pattern
//! with the pattern changed: a part is redundant when the pattern without it
//! is `equivalent`; a `!=` misses events when adding "or the field is
//! missing" makes the pattern broader, and the event that shows it is the
//! witness. Only JSON patterns are checked (the other kinds have no parts
//! that can overlap).

use super::{Answer, Relation, compare_within, solve_alone};
use crate::pattern::ast::{Ast, Chain, Condition, Expr, JsonPattern, Paren, Span, Test};
use crate::pattern::normal::Normal;

/// The most parts of one pattern tried for redundancy (each costs one
/// comparison); a larger pattern is not checked for redundant parts.
pub const MAX_PARTS: usize = 64;

/// The work bound of each comparison these checks make.
const BUDGET: u64 = super::DEFAULT_BUDGET / 4;

/// What a finding says about a part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// The whole pattern matches no event at all.
    PatternNeverMatches,
    /// An alternative (an operand of `||`) that never holds.
    NeverHolds,
    /// A condition or group the pattern matches the same events without.
    Redundant,
}

/// A part of a pattern and what was found about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// What was found.
    pub kind: PartKind,
    /// Where the part is written (the whole pattern for
    /// [`PartKind::PatternNeverMatches`]).
    pub span: Span,
}

fn normal_of(e: &Expr<Condition>) -> Normal {
    Normal::from_ast(&Ast::Json(JsonPattern {
        span: Span::default(),
        expr: e.clone(),
    }))
}

fn equivalent(a: &Normal, b: &Normal) -> bool {
    compare_within(a, b, BUDGET).is_ok_and(|c| c.relation == Relation::Equivalent)
}

/// Whether the JSON pattern matches no event: `Some(true)` proved, `Some(false)`
/// an event found, `None` not decided.
pub fn matches_nothing(normal: &Normal) -> Option<bool> {
    let mut budget = super::Budget::new(super::DEFAULT_BUDGET);
    match solve_alone(normal, &mut budget) {
        Answer::Yes(_) => Some(false),
        Answer::No => Some(true),
        Answer::Unknown(_) => None,
    }
}

/// The chain operands of `e`, as paths of operand indexes (parentheses
/// are transparent), parents before their operands.
fn operand_paths(e: &Expr<Condition>, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    match e {
        Expr::Paren(p) => operand_paths(&p.inner, prefix, out),
        Expr::Or(c) | Expr::And(c) => {
            for (i, op) in c.operands.iter().enumerate() {
                prefix.push(i);
                out.push(prefix.clone());
                operand_paths(op, prefix, out);
                prefix.pop();
            }
        }
        Expr::Leaf(_) => {}
    }
}

/// The sub-expression at `path`, and whether it is an operand of `||`.
fn at<'e>(e: &'e Expr<Condition>, path: &[usize]) -> Option<(&'e Expr<Condition>, bool)> {
    let mut cur = e;
    let mut in_or = false;
    for &i in path {
        while let Expr::Paren(p) = cur {
            cur = &p.inner;
        }
        match cur {
            Expr::Or(c) => {
                in_or = true;
                cur = c.operands.get(i)?;
            }
            Expr::And(c) => {
                in_or = false;
                cur = c.operands.get(i)?;
            }
            _ => return None,
        }
    }
    Some((cur, in_or))
}

/// `e` with the operand at `path` taken out (`None`: nothing is left). A
/// chain left with one operand becomes that operand.
fn without(e: &Expr<Condition>, path: &[usize]) -> Option<Expr<Condition>> {
    let (&i, rest) = path.split_first()?;
    match e {
        Expr::Paren(p) => without(&p.inner, path).map(|inner| {
            Expr::Paren(Box::new(Paren {
                inner,
                span: p.span,
            }))
        }),
        Expr::Or(c) | Expr::And(c) => {
            let mut ops: Vec<Expr<Condition>> = Vec::with_capacity(c.operands.len());
            for (k, op) in c.operands.iter().enumerate() {
                if k == i {
                    ops.extend(without(op, rest));
                } else {
                    ops.push(op.clone());
                }
            }
            let is_or = matches!(e, Expr::Or(_));
            match ops.len() {
                0 => None,
                1 => ops.pop(),
                _ => {
                    let chain = Chain {
                        operands: ops,
                        span: c.span,
                    };
                    Some(if is_or {
                        Expr::Or(chain)
                    } else {
                        Expr::And(chain)
                    })
                }
            }
        }
        Expr::Leaf(_) => Some(e.clone()),
    }
}

fn span_of(e: &Expr<Condition>) -> Span {
    use crate::pattern::ast::Spanned;
    e.span()
}

/// The parts of a JSON pattern that never match or change nothing. When
/// the whole pattern matches nothing, that is the only finding.
pub fn dead_and_redundant(ast: &Ast) -> Vec<Part> {
    let Ast::Json(j) = ast else {
        return Vec::new();
    };
    let original = Normal::from_ast(ast);
    if matches_nothing(&original) == Some(true) {
        return vec![Part {
            kind: PartKind::PatternNeverMatches,
            span: j.span,
        }];
    }
    let mut paths = Vec::new();
    operand_paths(&j.expr, &mut Vec::new(), &mut paths);
    if paths.len() > MAX_PARTS {
        return Vec::new();
    }
    let mut current = j.expr.clone();
    let mut out = Vec::new();
    // Last parts first: removing one shifts only the parts after it, and of
    // two equal conditions the later one is reported.
    for path in paths.iter().rev() {
        let Some((part, in_or)) = at(&current, path) else {
            continue;
        };
        let Some(candidate) = without(&current, path) else {
            continue;
        };
        if !equivalent(&original, &normal_of(&candidate)) {
            continue;
        }
        let never = in_or && matches_nothing(&normal_of(part)) == Some(true);
        out.push(Part {
            kind: if never {
                PartKind::NeverHolds
            } else {
                PartKind::Redundant
            },
            span: span_of(part),
        });
        current = candidate;
    }
    out.reverse();
    out
}

/// For the `!=` condition of a JSON pattern written at `condition`: an
/// event without the condition's field that the pattern does not match but
/// would if a missing field counted as "not equal". `None` when there is
/// no such event (other conditions exclude it anyway), when the span is
/// not a `!=` condition, or when it is not decided.
pub fn absent_field_miss(ast: &Ast, condition: Span) -> Option<String> {
    let Ast::Json(j) = ast else { return None };
    let widened = widen(&j.expr, condition)?;
    let original = Normal::from_ast(ast);
    let c = compare_within(&original, &normal_of(&widened), super::DEFAULT_BUDGET).ok()?;
    match c.relation {
        Relation::Narrower => c.only_b,
        _ => None,
    }
}

/// `e` with the `!=` condition at `span` replaced by `(it || selector NOT EXISTS)`.
fn widen(e: &Expr<Condition>, span: Span) -> Option<Expr<Condition>> {
    let mut found = false;
    let out = replace(e, &mut |c: &Condition| {
        let is_ne = matches!(
            c.test,
            Test::Compare {
                op: crate::pattern::ast::CmpOp::Ne,
                ..
            }
        );
        if is_ne && c.span.start == span.start && c.span.end == span.end && !found {
            found = true;
            let absent = Condition {
                selector: c.selector.clone(),
                test: Test::NotExists { span: c.span },
                span: c.span,
            };
            Some(Expr::Paren(Box::new(Paren {
                inner: Expr::Or(Chain {
                    operands: vec![Expr::Leaf(c.clone()), Expr::Leaf(absent)],
                    span: c.span,
                }),
                span: c.span,
            })))
        } else {
            None
        }
    });
    found.then_some(out)
}

fn replace(
    e: &Expr<Condition>,
    f: &mut impl FnMut(&Condition) -> Option<Expr<Condition>>,
) -> Expr<Condition> {
    match e {
        Expr::Leaf(c) => f(c).unwrap_or_else(|| e.clone()),
        Expr::Paren(p) => Expr::Paren(Box::new(Paren {
            inner: replace(&p.inner, f),
            span: p.span,
        })),
        Expr::Or(c) => Expr::Or(Chain {
            operands: c.operands.iter().map(|o| replace(o, f)).collect(),
            span: c.span,
        }),
        Expr::And(c) => Expr::And(Chain {
            operands: c.operands.iter().map(|o| replace(o, f)).collect(),
            span: c.span,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::parse;

    fn texts(p: &str) -> Vec<(PartKind, String)> {
        let ast = parse(p).unwrap();
        dead_and_redundant(&ast)
            .into_iter()
            .map(|x| (x.kind, p.get(x.span.range()).unwrap_or_default().to_owned()))
            .collect()
    }

    #[test]
    fn redundant_and_dead_parts() {
        assert_eq!(
            texts(r#"{ $.a = "x" || $.a = "x*" }"#),
            vec![(PartKind::Redundant, r#"$.a = "x""#.to_owned())]
        );
        assert_eq!(
            texts(r#"{ $.a = "x" || $.a = "x" }"#),
            vec![(PartKind::Redundant, r#"$.a = "x""#.to_owned())]
        );
        assert_eq!(
            texts(r#"{ $.a = "x" && $.a = "x*" }"#),
            vec![(PartKind::Redundant, r#"$.a = "x*""#.to_owned())]
        );
        assert_eq!(
            texts(r#"{ $.a = "x" || ($.n > 5 && $.n < 3) }"#),
            vec![(PartKind::NeverHolds, "($.n > 5 && $.n < 3)".to_owned())]
        );
        assert_eq!(
            texts(r#"{ $.a = "x*" && $.a = "y*" }"#),
            vec![(
                PartKind::PatternNeverMatches,
                r#"{ $.a = "x*" && $.a = "y*" }"#.to_owned()
            )]
        );
        assert!(texts(r#"{ $.a = "x" || $.a = "y" }"#).is_empty());
    }

    #[test]
    fn absent_field_witness() {
        let p = r#"{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }"#;
        let ast = parse(p).unwrap();
        let at = p.find("$.additionalEventData").unwrap();
        let span = Span::new(at, at + r#"$.additionalEventData.MFAUsed != "Yes""#.len());
        assert_eq!(
            absent_field_miss(&ast, span).as_deref(),
            Some(r#"{"eventName":"ConsoleLogin"}"#)
        );
        // Another condition needs the field anyway: nothing is missed.
        let p = r#"{ $.a != "x" && $.a = "y*" }"#;
        let ast = parse(p).unwrap();
        assert_eq!(absent_field_miss(&ast, Span::new(2, 12)), None);
    }
}
