//! The tests made at one position, compiled, and their truth on a value.

use regex::Regex;

use crate::matcher::glob::Glob;
use crate::matcher::ordering;
use crate::pattern::ast::CmpOp;
use crate::pattern::normal::{NTest, NValue};

/// A value on the right of `=` / `!=`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    /// Text, `*` a wildcard.
    Text(String),
    /// A number literal's value (bits of the `f64`, `-0` as `0`).
    Num(u64),
    /// A regex body.
    Regex(String),
}

/// What one condition tests at a position.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Test {
    /// `= v`
    Eq(Val),
    /// `!= v`
    Ne(Val),
    /// `< <= > >=` a number (bits of the `f64`).
    Ord(CmpOp, u64),
    /// `IS NULL`
    IsNull,
    /// `IS TRUE`
    IsTrue,
    /// `IS FALSE`
    IsFalse,
    /// `NOT EXISTS` (only on paths without wildcards)
    NotExists,
    /// Something is there: the inner part of `NOT EXISTS` behind a wildcard.
    Exists,
}

/// The `f64` value of a number literal, as the matcher reads it.
pub fn number_value(text: &str) -> Option<f64> {
    crate::matcher::number(text)
}

pub(super) fn bits_of(v: f64) -> u64 {
    if v == 0.0 {
        0.0f64.to_bits()
    } else {
        v.to_bits()
    }
}

impl Test {
    /// The test of a normal-form condition; `None` for a number literal
    /// that does not parse (the matcher refuses those too).
    pub fn of(t: &NTest) -> Option<Test> {
        let val = |v: &NValue| -> Option<Val> {
            Some(match v {
                NValue::Text(s) => Val::Text(s.clone()),
                NValue::Regex(r) => Val::Regex(r.clone()),
                NValue::Number(n) => Val::Num(bits_of(number_value(n)?)),
            })
        };
        Some(match t {
            NTest::Cmp { op, value } => match op {
                CmpOp::Eq => Test::Eq(val(value)?),
                CmpOp::Ne => Test::Ne(val(value)?),
                _ => match value {
                    NValue::Number(n) => Test::Ord(*op, bits_of(number_value(n)?)),
                    _ => return None,
                },
            },
            NTest::IsNull => Test::IsNull,
            NTest::IsTrue => Test::IsTrue,
            NTest::IsFalse => Test::IsFalse,
            NTest::NotExists => Test::NotExists,
        })
    }
}

/// A test ready to evaluate: its glob or regex compiled.
#[derive(Debug)]
pub struct Compiled {
    /// The test.
    pub test: Test,
    glob: Option<Glob>,
    re: Option<Regex>,
}

impl Compiled {
    /// Compile `test`; `None` when a regex does not compile (the matcher
    /// refuses the pattern then).
    pub fn new(test: Test) -> Option<Compiled> {
        let (glob, re) = match &test {
            Test::Eq(Val::Text(t)) | Test::Ne(Val::Text(t)) => (Some(Glob::new(t)), None),
            Test::Eq(Val::Regex(r)) | Test::Ne(Val::Regex(r)) => {
                (None, Some(crate::matcher::dialect::compile(r).ok()?))
            }
            _ => (None, None),
        };
        Some(Compiled { test, glob, re })
    }

    /// Whether the text value test holds on `text`, for `=`/`!=` with a
    /// text or regex value; `None` for other tests.
    pub(super) fn on_text(&self, text: &str) -> Option<bool> {
        if let Some(g) = &self.glob {
            return Some(g.is_match(text));
        }
        self.re.as_ref().map(|r| r.is_match(text))
    }

    pub(super) fn lang(&self) -> Option<&Val> {
        match &self.test {
            Test::Eq(v @ (Val::Text(_) | Val::Regex(_)))
            | Test::Ne(v @ (Val::Text(_) | Val::Regex(_))) => Some(v),
            _ => None,
        }
    }
}

/// A JSON value at a position, as far as tests can tell values apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// Nothing there.
    Missing,
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A string (decoded).
    Str(String),
    /// A number, its text as written.
    Num(String),
    /// An object (its fields are other positions).
    Obj,
    /// An array (its elements are other positions).
    Arr,
}

/// The truth of `c` on the JSON value `v` (`docs/matching.md`).
pub fn eval_json(c: &Compiled, v: &Scalar) -> bool {
    match (&c.test, v) {
        (Test::NotExists, Scalar::Missing) => true,
        (Test::NotExists, _) | (Test::Exists, Scalar::Missing) => false,
        (Test::Exists, _) => true,
        (_, Scalar::Missing) => false,
        (Test::IsNull, s) => *s == Scalar::Null,
        (Test::IsTrue, s) => *s == Scalar::Bool(true),
        (Test::IsFalse, s) => *s == Scalar::Bool(false),
        (Test::Eq(Val::Num(_)), Scalar::Str(_)) => false,
        (Test::Ne(Val::Num(_)), Scalar::Str(_)) => true,
        (Test::Eq(Val::Num(n)), Scalar::Num(t)) => {
            t.parse::<f64>().ok() == Some(f64::from_bits(*n))
        }
        (Test::Ne(Val::Num(n)), Scalar::Num(t)) => {
            t.parse::<f64>().ok() != Some(f64::from_bits(*n))
        }
        (Test::Eq(_), Scalar::Str(t) | Scalar::Num(t)) => c.on_text(t) == Some(true),
        (Test::Ne(_), Scalar::Str(t) | Scalar::Num(t)) => c.on_text(t) == Some(false),
        (Test::Ord(op, n), Scalar::Num(t)) => t
            .parse::<f64>()
            .is_ok_and(|x| ordering(*op, x, f64::from_bits(*n))),
        _ => false,
    }
}

/// The truth of `c` on the delimited field `text`.
pub fn eval_field(c: &Compiled, text: &str) -> bool {
    match &c.test {
        Test::Eq(Val::Num(n)) => number_value(text) == Some(f64::from_bits(*n)),
        Test::Ne(Val::Num(n)) => number_value(text) != Some(f64::from_bits(*n)),
        Test::Eq(_) => c.on_text(text) == Some(true),
        Test::Ne(_) => c.on_text(text) == Some(false),
        Test::Ord(op, n) => {
            number_value(text).is_some_and(|x| ordering(*op, x, f64::from_bits(*n)))
        }
        _ => false,
    }
}
