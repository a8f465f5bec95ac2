//! A compiled [`Program`] evaluated on one event.
//!
//! Evaluation short-circuits and allocates nothing; [`Program::explain`]
//! evaluates everything it needs to say which terms decided the result.

use std::cell::OnceCell;

use super::delimited;
use super::json::{JVal, PathStep};
use super::program::{
    Bool, Explanation, FieldCond, JsonCond, Program, Reason, Slot, Term, Test, ValueTest, number,
    ordering,
};

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
