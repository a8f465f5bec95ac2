//! The compiled form of a pattern and its evaluation on one event.
//!
//! A [`Program`] is built once from a pattern's normal form (see
//! `compile.rs`): globs are split into segments, regexes compiled, numbers
//! parsed, term finders built. Evaluation short-circuits and allocates
//! nothing; [`Program::explain`] evaluates everything it needs to say which
//! terms decided the result.

use std::cell::OnceCell;

use memchr::memmem::Finder;
use serde::Serialize;

use super::delimited;
use super::glob::Glob;
use super::json::{JVal, PathStep};
use crate::pattern::ast::CmpOp;

/// A boolean combination of leaves.
#[derive(Debug)]
pub(crate) enum Bool<C> {
    Or(Vec<Bool<C>>),
    And(Vec<Bool<C>>),
    Leaf(C),
}

impl<C> Bool<C> {
    fn eval(&self, f: &mut impl FnMut(&C) -> bool) -> bool {
        match self {
            Bool::Or(xs) => xs.iter().any(|x| x.eval(f)),
            Bool::And(xs) => xs.iter().all(|x| x.eval(f)),
            Bool::Leaf(c) => f(c),
        }
    }

    /// The result and the leaves that decided it: for a true `||` the first
    /// true operand, for a false `&&` the first false one, otherwise all.
    fn explain(&self, f: &mut impl FnMut(&C) -> Reason) -> (bool, Vec<Reason>) {
        match self {
            Bool::Leaf(c) => {
                let r = f(c);
                (r.holds, vec![r])
            }
            Bool::Or(xs) | Bool::And(xs) => {
                let decisive = matches!(self, Bool::Or(_));
                let mut all = Vec::new();
                for x in xs {
                    let (b, rs) = x.explain(f);
                    if b == decisive {
                        return (b, rs);
                    }
                    all.extend(rs);
                }
                (!decisive, all)
            }
        }
    }

    pub(crate) fn leaves(&self) -> Vec<&C> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(b) = stack.pop() {
            match b {
                Bool::Or(xs) | Bool::And(xs) => stack.extend(xs.iter().rev()),
                Bool::Leaf(c) => out.push(c),
            }
        }
        out
    }
}

/// The right-hand side of `=` / `!=`.
#[derive(Debug)]
pub(crate) enum ValueTest {
    /// A string, possibly with `*` wildcards.
    Text(Glob),
    /// A number literal: numeric comparison.
    Number(f64),
    /// A `%regex%`: search.
    Regex(regex::Regex),
}

impl ValueTest {
    fn on_text(&self, text: &str) -> bool {
        match self {
            ValueTest::Text(g) => g.is_match(text),
            ValueTest::Number(n) => number(text) == Some(*n),
            ValueTest::Regex(r) => r.is_match(text),
        }
    }
}

/// A number literal's value (`[+-]?digits(.digits)?([eE][+-]?digits)?`).
pub(crate) fn number(text: &str) -> Option<f64> {
    if crate::pattern::ast::is_number_literal(text) {
        text.parse().ok()
    } else {
        None
    }
}

pub(crate) fn ordering(op: CmpOp, a: f64, b: f64) -> bool {
    match op {
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
    }
}

/// What a condition tests about one value.
#[derive(Debug)]
pub(crate) enum Test {
    Eq(ValueTest),
    Ne(ValueTest),
    /// `< <= > >=` against a number.
    Ord(CmpOp, f64),
    IsNull,
    IsTrue,
    IsFalse,
    NotExists,
}

/// One JSON condition.
#[derive(Debug)]
pub(crate) struct JsonCond {
    pub(crate) path: Vec<PathStep>,
    pub(crate) test: Test,
    /// How the condition is written, for explanations.
    pub(crate) text: String,
}

/// One condition on a space-delimited field.
#[derive(Debug)]
pub(crate) struct FieldCond {
    pub(crate) test: Test,
    pub(crate) text: String,
}

/// One slot of a space-delimited pattern.
#[derive(Debug)]
pub(crate) enum Slot {
    /// `...`
    Ellipsis,
    /// A named field with no condition.
    Any(String),
    /// A named field with conditions.
    Cond(String, Bool<FieldCond>),
}

/// A term of an unstructured pattern.
#[derive(Debug)]
pub(crate) struct Term {
    pub(crate) text: String,
    pub(crate) finder: Finder<'static>,
}

impl Term {
    pub(crate) fn new(text: &str) -> Term {
        Term {
            text: text.to_owned(),
            finder: Finder::new(text.as_bytes()).into_owned(),
        }
    }

    fn found(&self, hay: &str) -> bool {
        self.finder.find(hay.as_bytes()).is_some()
    }
}

/// A compiled pattern.
#[derive(Debug)]
pub(crate) enum Program {
    /// The empty pattern (and `""`, `" "`): every event.
    MatchAll,
    Json(Bool<JsonCond>),
    Delimited(Vec<Slot>),
    Terms {
        required: Vec<Term>,
        excluded: Vec<Term>,
        optional: Vec<Term>,
    },
    Regex {
        re: regex::Regex,
        /// The dialect text between the `%`.
        body: String,
    },
}

/// One event, read as far as the patterns need it.
#[derive(Debug)]
pub(crate) struct Event<'t> {
    pub(crate) text: &'t str,
    /// The parsed JSON (projected), when the event is a JSON object or array
    /// and some pattern needs it.
    pub(crate) json: Option<JVal<'t>>,
    pub(crate) fields: OnceCell<Vec<&'t str>>,
    /// Longer than [`super::MAX_EVENT_BYTES`]: never evaluated, never matches.
    pub(crate) too_large: bool,
}

impl<'t> Event<'t> {
    fn fields(&self) -> &[&'t str] {
        self.fields.get_or_init(|| delimited::split(self.text))
    }
}

/// One term's part in a result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The term or condition, as a pattern would write it.
    pub term: String,
    /// Whether it held for the event.
    pub holds: bool,
    /// What the event had there: a JSON value's text, a field's text, or
    /// `None` when the field is missing (or the term is about the whole message).
    pub found: Option<String>,
    /// A sentence for people.
    pub note: String,
}

/// Why a pattern matched an event or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The result.
    pub matched: bool,
    /// The terms that decided it (see [`Program::explain`] for which).
    pub decided_by: Vec<Reason>,
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.matched { "matched" } else { "no match" })?;
        for r in &self.decided_by {
            let note = crate::report::escape::line(&r.note);
            write!(f, "\n  {} {note}", if r.holds { "yes" } else { "no " })?;
        }
        Ok(())
    }
}

/// Call `f` on every value `steps` selects from `v`, until it returns true.
fn select<'v, 't>(
    v: &'v JVal<'t>,
    steps: &[PathStep],
    f: &mut impl FnMut(&'v JVal<'t>) -> bool,
) -> bool {
    let Some((step, rest)) = steps.split_first() else {
        return f(v);
    };
    match (step, v) {
        (PathStep::Field(name), JVal::Obj(_)) => match v.get(name) {
            Some(c) => select(c, rest, f),
            None => false,
        },
        (PathStep::AnyField, JVal::Obj(fields)) => fields.iter().any(|(_, c)| select(c, rest, f)),
        (PathStep::Index(i), JVal::Arr(xs)) => {
            match usize::try_from(*i).ok().and_then(|i| xs.get(i)) {
                Some(c) => select(c, rest, f),
                None => false,
            }
        }
        (PathStep::AnyIndex, JVal::Arr(xs)) => xs.iter().any(|c| select(c, rest, f)),
        _ => false,
    }
}

/// `=`/`!=` on a present value: `Some(equal)` for strings and numbers,
/// `None` (neither `=` nor `!=` holds) for anything else.
fn compare(vt: &ValueTest, v: &JVal<'_>) -> Option<bool> {
    match (v, vt) {
        (JVal::Str(_), ValueTest::Number(_)) => Some(false),
        (JVal::Str(s), _) => Some(vt.on_text(s)),
        (JVal::Num(t), ValueTest::Number(n)) => Some(t.parse::<f64>().ok() == Some(*n)),
        (JVal::Num(t), _) => Some(vt.on_text(t)),
        _ => None,
    }
}

fn test_value(test: &Test, v: &JVal<'_>) -> bool {
    match test {
        Test::Eq(vt) => compare(vt, v) == Some(true),
        Test::Ne(vt) => compare(vt, v) == Some(false),
        Test::Ord(op, n) => match v {
            JVal::Num(t) => t.parse::<f64>().is_ok_and(|x| ordering(*op, x, *n)),
            _ => false,
        },
        Test::IsNull => matches!(v, JVal::Null),
        Test::IsTrue => matches!(v, JVal::Bool(true)),
        Test::IsFalse => matches!(v, JVal::Bool(false)),
        Test::NotExists => false,
    }
}

fn json_cond(c: &JsonCond, root: &JVal<'_>) -> bool {
    match c.test {
        Test::NotExists => !select(root, &c.path, &mut |_| true),
        _ => select(root, &c.path, &mut |v| test_value(&c.test, v)),
    }
}

fn json_reason(c: &JsonCond, root: &JVal<'_>) -> Reason {
    let mut first: Option<String> = None;
    let mut witness: Option<String> = None;
    let holds = match c.test {
        Test::NotExists => !select(root, &c.path, &mut |v| {
            first = Some(v.describe());
            true
        }),
        _ => select(root, &c.path, &mut |v| {
            if first.is_none() {
                first = Some(v.describe());
            }
            let ok = test_value(&c.test, v);
            if ok {
                witness = Some(v.describe());
            }
            ok
        }),
    };
    let found = witness.or(first);
    let note = match (&found, holds) {
        (None, _) => format!("`{}`: the field is missing", c.text),
        (Some(v), true) => format!("`{}`: found {v}", c.text),
        (Some(v), false) => format!("`{}`: found {v}, which does not satisfy it", c.text),
    };
    Reason {
        term: c.text.clone(),
        holds,
        found,
        note,
    }
}

/// A field condition on the field's text.
fn field_test(test: &Test, text: &str) -> bool {
    match test {
        Test::Eq(vt) => vt.on_text(text),
        Test::Ne(vt) => !vt.on_text(text),
        Test::Ord(op, n) => number(text).is_some_and(|x| ordering(*op, x, *n)),
        // The parser gives delimited fields comparisons only.
        Test::IsNull | Test::IsTrue | Test::IsFalse | Test::NotExists => false,
    }
}

impl Program {
    /// Whether the pattern matches the event.
    pub(crate) fn matches(&self, ev: &Event<'_>) -> bool {
        if ev.too_large {
            return false;
        }
        match self {
            Program::MatchAll => true,
            Program::Json(expr) => match &ev.json {
                Some(root) => expr.eval(&mut |c| json_cond(c, root)),
                None => false,
            },
            Program::Delimited(slots) => {
                let fields = ev.fields();
                delimited::assign(slots, fields, &mut |slot, text| match slot {
                    Slot::Cond(_, expr) => expr.eval(&mut |c| field_test(&c.test, text)),
                    _ => true,
                })
                .is_some()
            }
            Program::Terms {
                required,
                excluded,
                optional,
            } => {
                let msg = ev.text;
                if !required.iter().all(|t| t.found(msg)) || excluded.iter().any(|t| t.found(msg)) {
                    return false;
                }
                // `?` terms count only when they are the whole pattern.
                if required.is_empty() && excluded.is_empty() && !optional.is_empty() {
                    optional.iter().any(|t| t.found(msg))
                } else {
                    true
                }
            }
            Program::Regex { re, .. } => re.is_match(ev.text),
        }
    }

    /// Whether the pattern matches, and the terms that decided it: for a
    /// true `||` the first true operand, for a false `&&` the first false
    /// operand, otherwise every operand.
    pub(crate) fn explain(&self, ev: &Event<'_>) -> Explanation {
        if ev.too_large {
            return Explanation {
                matched: false,
                decided_by: vec![Reason {
                    term: String::new(),
                    holds: false,
                    found: Some(ev.text.len().to_string()),
                    note: format!(
                        "the event is {} bytes, more than the {} bytes CloudWatch Logs accepts; it is not evaluated",
                        ev.text.len(),
                        super::MAX_EVENT_BYTES
                    ),
                }],
            };
        }
        let (matched, decided_by) = match self {
            Program::MatchAll => (
                true,
                vec![Reason {
                    term: String::new(),
                    holds: true,
                    found: None,
                    note: "the empty pattern matches every event".to_owned(),
                }],
            ),
            Program::Json(expr) => match &ev.json {
                Some(root) => expr.explain(&mut |c| json_reason(c, root)),
                None => (
                    false,
                    vec![Reason {
                        term: "{…}".to_owned(),
                        holds: false,
                        found: None,
                        note:
                            "the event is not a JSON object or array, so no JSON pattern matches it"
                                .to_owned(),
                    }],
                ),
            },
            Program::Delimited(slots) => delimited::explain(slots, ev.fields()),
            Program::Terms {
                required,
                excluded,
                optional,
            } => explain_terms(required, excluded, optional, ev.text),
            Program::Regex { re, body } => {
                let found = re.find(ev.text).map(|m| m.as_str().to_owned());
                let holds = found.is_some();
                let note = match &found {
                    Some(m) => format!("`%{body}%`: found `{m}`"),
                    None => format!("`%{body}%`: not found in the message"),
                };
                (
                    holds,
                    vec![Reason {
                        term: format!("%{body}%"),
                        holds,
                        found,
                        note,
                    }],
                )
            }
        };
        Explanation {
            matched,
            decided_by,
        }
    }

    /// Field conditions on the explain path of delimited patterns.
    pub(crate) fn field_reason(
        name: &str,
        expr: &Bool<FieldCond>,
        text: &str,
    ) -> (bool, Vec<Reason>) {
        expr.explain(&mut |c| {
            let holds = field_test(&c.test, text);
            Reason {
                term: c.text.clone(),
                holds,
                found: Some(text.to_owned()),
                note: format!(
                    "`{}`: field `{name}` is `{text}`{}",
                    c.text,
                    if holds {
                        ""
                    } else {
                        ", which does not satisfy it"
                    }
                ),
            }
        })
    }
}

fn term_reason(t: &Term, holds: bool, note: String) -> Reason {
    Reason {
        term: t.text.clone(),
        holds,
        found: None,
        note,
    }
}

fn explain_terms(
    required: &[Term],
    excluded: &[Term],
    optional: &[Term],
    msg: &str,
) -> (bool, Vec<Reason>) {
    let q = |t: &Term| format!("{:?}", t.text);
    if let Some(t) = required.iter().find(|t| !t.found(msg)) {
        return (
            false,
            vec![term_reason(
                t,
                false,
                format!("required term {} is not in the message", q(t)),
            )],
        );
    }
    if let Some(t) = excluded.iter().find(|t| t.found(msg)) {
        return (
            false,
            vec![term_reason(
                t,
                false,
                format!("excluded term -{} is in the message", q(t)),
            )],
        );
    }
    if required.is_empty() && excluded.is_empty() {
        if optional.is_empty() {
            return (true, Vec::new());
        }
        return match optional.iter().find(|t| t.found(msg)) {
            Some(t) => (
                true,
                vec![term_reason(
                    t,
                    true,
                    format!("optional term ?{} is in the message", q(t)),
                )],
            ),
            None => (
                false,
                optional
                    .iter()
                    .map(|t| {
                        term_reason(
                            t,
                            false,
                            format!("optional term ?{} is not in the message", q(t)),
                        )
                    })
                    .collect(),
            ),
        };
    }
    let mut out: Vec<Reason> = required
        .iter()
        .map(|t| term_reason(t, true, format!("required term {} is in the message", q(t))))
        .chain(excluded.iter().map(|t| {
            term_reason(
                t,
                true,
                format!("excluded term -{} is not in the message", q(t)),
            )
        }))
        .collect();
    if !optional.is_empty() {
        out.push(Reason {
            term: optional
                .iter()
                .map(|t| format!("?{}", q(t)))
                .collect::<Vec<_>>()
                .join(" "),
            holds: true,
            found: None,
            note: "`?` terms are ignored when the pattern has other terms".to_owned(),
        });
    }
    (true, out)
}
