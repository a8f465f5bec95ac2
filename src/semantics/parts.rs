//! Semantic checks of one pattern's parts, for linters: a pattern that
//! matches no event, parts of it that change nothing (an alternative that
//! never holds, a condition another one covers), and `!=` conditions that
//! miss the events without their field.
//!
//! Each check compares ([`super::compare_within`]) the pattern
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
    /// An alternative (an operand of `||`) whose events the other
    /// alternatives match anyway: the pattern matches the same events
    /// without it.
    RedundantAlternative,
    /// A condition or group of an `&&` that the other operands imply: the
    /// pattern matches the same events without it.
    RedundantCondition,
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

/// Whether `original` and `candidate` (the pattern with one part taken out)
/// match the same events. Taking an operand out of an `||` can only lose
/// events and out of an `&&` only add some (the structure has no negation),
/// so one question decides it: is there an event the larger one matches
/// and the smaller one does not?
fn same_without(original: &Normal, candidate: &Normal, from_or: bool) -> bool {
    let (larger, smaller) = if from_or {
        (original, candidate)
    } else {
        (candidate, original)
    };
    super::exists_only_in(larger, smaller, BUDGET) == Some(false)
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
        if !same_without(&original, &normal_of(&candidate), in_or) {
            continue;
        }
        let kind = if !in_or {
            PartKind::RedundantCondition
        } else if matches_nothing(&normal_of(part)) == Some(true) {
            PartKind::NeverHolds
        } else {
            PartKind::RedundantAlternative
        };
        out.push(Part {
            kind,
            span: span_of(part),
        });
        current = candidate;
    }
    out.reverse();
    out
}

/// What a `!=` condition does to the events without its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AbsentMiss {
    /// The pattern misses this event, which lacks the field and which the
    /// pattern would match if a missing field counted as "not equal".
    Missed(String),
    /// No event is missed that way: other conditions need the field anyway,
    /// or already let events without it match.
    NotMissed,
    /// Not decided (the work bound), or `condition` is not a `!=`
    /// condition of a JSON pattern.
    Unknown,
}

/// For the `!=` condition of a JSON pattern written at `condition`: does
/// the pattern miss events without the condition's field that it would
/// match if a missing field counted as "not equal"? The witness is an
/// event the matcher confirms.
pub fn absent_field_miss(ast: &Ast, condition: Span) -> AbsentMiss {
    let Ast::Json(j) = ast else {
        return AbsentMiss::Unknown;
    };
    let Some(widened) = widen(&j.expr, condition) else {
        return AbsentMiss::Unknown;
    };
    let original = Normal::from_ast(ast);
    let Ok(c) = compare_within(&original, &normal_of(&widened), super::DEFAULT_BUDGET) else {
        return AbsentMiss::Unknown;
    };
    match (c.relation, c.only_b) {
        (Relation::Narrower, Some(w)) => AbsentMiss::Missed(dressed(ast, &widened, w)),
        (Relation::Equivalent, _) => AbsentMiss::NotMissed,
        // The pattern matches nothing at all: nothing to say about `!=`.
        (Relation::Never, _) if c.a_matches_nothing == Some(true) => AbsentMiss::NotMissed,
        _ => AbsentMiss::Unknown,
    }
}

/// Fields a missed event gets when the pattern does not select them, so
/// that it reads as a CloudTrail record of an ordinary call (as JSON).
const DRESS: [(&str, &str); 2] = [
    ("eventSource", "\"ec2.amazonaws.com\""),
    ("eventName", "\"DescribeInstances\""),
];

/// `event` (compact JSON, an event the pattern misses and `widened`
/// matches) with the fields of [`DRESS`], in CloudTrail's order, when every
/// selector names a top-level CloudTrail record field other than those,
/// and the matcher confirms the result answers the same. Otherwise `event`
/// unchanged.
fn dressed(ast: &Ast, widened: &Expr<Condition>, event: String) -> String {
    use crate::pattern::ast::StepKind;
    let Ast::Json(j) = ast else { return event };
    let mut tops: Vec<&str> = Vec::new();
    for c in j.expr.leaves() {
        match c.selector.steps.first().map(|s| &s.kind) {
            Some(StepKind::Field(n) | StepKind::Key(n))
                if super::cloudtrail::is_record_field(n) =>
            {
                tops.push(n)
            }
            _ => return event,
        }
    }
    // A call is named by its source and name together: both or neither.
    if DRESS.iter().any(|(name, _)| tops.contains(name)) {
        return event;
    }
    let Some(mut members) = top_level_members(&event) else {
        return event;
    };
    for (name, value) in DRESS {
        members.push((name.to_owned(), format!("\"{name}\":{value}")));
    }
    members.sort_by_key(|(k, _)| super::cloudtrail::order(k));
    let texts: Vec<&str> = members.iter().map(|(_, m)| m.as_str()).collect();
    let candidate = format!("{{{}}}", texts.join(","));
    let confirmed = crate::matcher::Matcher::from_ast(ast).is_ok_and(|m| !m.matches(&candidate))
        && crate::matcher::Matcher::from_normal(&normal_of(widened))
            .is_ok_and(|m| m.matches(&candidate));
    if confirmed { candidate } else { event }
}

/// The members of a JSON object written compactly, each as its key and
/// its text (`"key":value`); `None` if `text` is not such an object.
fn top_level_members(text: &str) -> Option<Vec<(String, String)>> {
    let serde_json::Value::Object(_) = serde_json::from_str::<serde_json::Value>(text).ok()? else {
        return None;
    };
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, 0usize);
    let mut push = |member: &str| -> Option<()> {
        let (key, _) = member.split_once("\":")?;
        let key: String = serde_json::from_str(&format!("{key}\"")).ok()?;
        out.push((key, member.to_owned()));
        Some(())
    };
    for (i, ch) in inner.char_indices() {
        if in_string {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                push(inner.get(start..i)?)?;
                start = i + 1;
            }
            _ => {}
        }
    }
    if !inner.is_empty() {
        push(inner.get(start..)?)?;
    }
    Some(out)
}

/// The part of a dotted selector path (`additionalEventData.MFAUsed`) that
/// CloudTrail does not write in every record, when the path selects a
/// CloudTrail record field: its shortest prefix that is not always present
/// (`additionalEventData`; `userIdentity.type` for `userIdentity.type`).
/// `None` for fields every record has, and for paths that are not
/// CloudTrail record fields.
pub fn cloudtrail_optional_prefix(path: &str) -> Option<&str> {
    let top = path.split(['.', '[']).next().unwrap_or(path);
    if !super::cloudtrail::is_record_field(top) {
        return None;
    }
    path.char_indices()
        .filter(|&(i, c)| i > 0 && (c == '.' || c == '['))
        .map(|(i, _)| i)
        .chain(std::iter::once(path.len()))
        .filter_map(|i| path.get(..i))
        .find(|p| !super::cloudtrail::always_present(p))
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
            vec![(PartKind::RedundantAlternative, r#"$.a = "x""#.to_owned())]
        );
        assert_eq!(
            texts(r#"{ $.a = "x" || $.a = "x" }"#),
            vec![(PartKind::RedundantAlternative, r#"$.a = "x""#.to_owned())]
        );
        assert_eq!(
            texts(r#"{ $.a = "x" && $.a = "x*" }"#),
            vec![(PartKind::RedundantCondition, r#"$.a = "x*""#.to_owned())]
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
            absent_field_miss(&ast, span),
            AbsentMiss::Missed(r#"{"eventName":"ConsoleLogin"}"#.to_owned())
        );
        // An event with nothing but what the pattern selects reads as a
        // CloudTrail record of an ordinary call.
        let p = r#"{ $.errorCode != "ThrottlingException" }"#;
        let ast = parse(p).unwrap();
        assert_eq!(
            absent_field_miss(&ast, Span::new(2, p.len() - 2)),
            AbsentMiss::Missed(
                r#"{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances"}"#.to_owned()
            )
        );
        // Not CloudTrail fields: the event as found.
        let p = r#"{ $.level != "DEBUG" && $.app = "x" }"#;
        let ast = parse(p).unwrap();
        assert_eq!(
            absent_field_miss(&ast, Span::new(2, 20)),
            AbsentMiss::Missed(r#"{"app":"x"}"#.to_owned())
        );
        // Another condition needs the field anyway: nothing is missed.
        let p = r#"{ $.a != "x" && $.a = "y*" }"#;
        let ast = parse(p).unwrap();
        assert_eq!(
            absent_field_miss(&ast, Span::new(2, 12)),
            AbsentMiss::NotMissed
        );
        // Events without the field already match.
        let p = r#"{ $.a != "x" || $.a NOT EXISTS }"#;
        let ast = parse(p).unwrap();
        assert_eq!(
            absent_field_miss(&ast, Span::new(2, 12)),
            AbsentMiss::NotMissed
        );
        // Not a `!=` condition.
        assert_eq!(
            absent_field_miss(&ast, Span::new(0, 1)),
            AbsentMiss::Unknown
        );
    }

    #[test]
    fn members_of_compact_objects() {
        let m = top_level_members(r#"{"a":{"b":[1,"x,}"]},"c\"d":"e\\"}"#).unwrap();
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "c\"d"]);
        assert_eq!(m[0].1, r#""a":{"b":[1,"x,}"]}"#);
        assert_eq!(top_level_members("{}"), Some(Vec::new()));
        assert_eq!(top_level_members("[1]"), None);
        assert_eq!(top_level_members("x"), None);
    }

    #[test]
    fn optional_cloudtrail_fields() {
        let p = cloudtrail_optional_prefix;
        assert_eq!(p("errorCode"), Some("errorCode"));
        assert_eq!(
            p("additionalEventData.MFAUsed"),
            Some("additionalEventData")
        );
        assert_eq!(p("userIdentity.type"), Some("userIdentity.type"));
        assert_eq!(
            p("userIdentity.sessionContext.x"),
            Some("userIdentity.sessionContext")
        );
        assert_eq!(p("resources[0].ARN"), Some("resources"));
        assert_eq!(p("eventName"), None);
        assert_eq!(p("userIdentity"), None);
        assert_eq!(p("level"), None);
        assert_eq!(p("eventNameX"), None);
    }
}
