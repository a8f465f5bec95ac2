//! The compiled form of a pattern, and what its evaluation reports.
//!
//! A [`Program`] is built once from a pattern's normal form (`compile.rs`):
//! globs are split into segments, regexes compiled, numbers parsed, term
//! finders built. `eval.rs` runs it on an event, `delimited.rs` fits the
//! fields of a space-delimited event to its slots; both report [`Reason`]s.

use memchr::memmem::Finder;
use serde::Serialize;

use super::glob::Glob;
use super::json::PathStep;
use crate::pattern::ast::CmpOp;

/// A boolean combination of leaves.
#[derive(Debug)]
pub(crate) enum Bool<C> {
    Or(Vec<Bool<C>>),
    And(Vec<Bool<C>>),
    Leaf(C),
}

impl<C> Bool<C> {
    pub(super) fn eval(&self, f: &mut impl FnMut(&C) -> bool) -> bool {
        match self {
            Bool::Or(xs) => xs.iter().any(|x| x.eval(f)),
            Bool::And(xs) => xs.iter().all(|x| x.eval(f)),
            Bool::Leaf(c) => f(c),
        }
    }

    /// The result and the leaves that decided it: for a true `||` the first
    /// true operand, for a false `&&` the first false one, otherwise all.
    pub(super) fn explain(&self, f: &mut impl FnMut(&C) -> Reason) -> (bool, Vec<Reason>) {
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
    pub(super) fn on_text(&self, text: &str) -> bool {
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

    pub(super) fn found(&self, hay: &str) -> bool {
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
    /// The terms that decided it (see `Program::explain` for which).
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
