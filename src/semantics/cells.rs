//! One position of an event — the value a JSON selector reaches, or one
//! space-delimited field — and the tests patterns make there.
//!
//! The tests at a position split its possible values into *cells*: values
//! that every test answers alike. [`json_cells`] and [`field_cells`] list
//! one value per realizable cell (the truth of every test on it), so that a
//! search over positions only has to try one value of each cell:
//! - text values against wildcards and regexes: the realizable combinations
//!   come from [`automata::explore`], exact;
//! - numbers compared numerically: the literals cut the number line into
//!   points and open intervals, one value each, exact;
//! - numbers compared both numerically and as text (`$.n = "1*" && $.n >
//!   5`): candidate values only, and the cell list is marked inexact.
//!
//! Evaluation ([`eval_json`], [`eval_field`]) is the matcher's table in
//! `docs/matching.md`, written again over these values; every witness built
//! from it is confirmed by the matcher itself before it is shown.

use std::sync::LazyLock;

use regex::Regex;

use super::automata::{self, Budget, Nfa};
use crate::matcher::glob::Glob;
use crate::matcher::ordering;
use crate::pattern::ast::{CmpOp, is_number_literal};
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

fn bits_of(v: f64) -> u64 {
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
    fn on_text(&self, text: &str) -> Option<bool> {
        if let Some(g) = &self.glob {
            return Some(g.is_match(text));
        }
        self.re.as_ref().map(|r| r.is_match(text))
    }

    fn lang(&self) -> Option<&Val> {
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

/// The text of a JSON number whose value is `v`, also a valid number
/// literal (`1e999` stands for infinity: it parses to it).
pub fn number_text(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "1e999" } else { "-1e999" }.to_owned();
    }
    if v == v.trunc() && v.abs() < 1e15 {
        // Exact: |v| < 2^53.
        #[allow(clippy::cast_possible_truncation)]
        return format!("{}", v as i64);
    }
    format!("{v:?}")
}

/// Whether `t` is the text of a JSON number.
pub fn is_json_number(t: &str) -> bool {
    let body = t.strip_prefix('-').unwrap_or(t);
    if body.starts_with(['+', '-']) || !is_number_literal(body) {
        return false;
    }
    // No leading zeros in the integer part.
    let int = body.split(['.', 'e', 'E']).next().unwrap_or_default();
    !(int.len() > 1 && int.starts_with('0'))
}

/// A value strictly between `lo` and `hi` (either may be unbounded), a
/// round one when there is one.
fn between(lo: Option<f64>, hi: Option<f64>) -> Option<f64> {
    let inside = |x: f64| lo.is_none_or(|l| x > l) && hi.is_none_or(|h| x < h);
    let mut candidates = Vec::new();
    match (lo, hi) {
        (None, None) => candidates.push(1.0),
        (Some(l), None) => candidates.extend([l.floor() + 1.0, l.next_up(), f64::INFINITY]),
        (None, Some(h)) => candidates.extend([h.ceil() - 1.0, h.next_down(), f64::NEG_INFINITY]),
        (Some(l), Some(h)) => candidates.extend([
            l.floor() + 1.0,
            l / 2.0 + h / 2.0,
            l.next_up(),
            h.next_down(),
        ]),
    }
    candidates
        .into_iter()
        .find(|&x| !x.is_nan() && inside(x))
        .map(|x| if x == 0.0 { 0.0 } else { x })
}

/// The literals' values, sorted, each once.
fn sorted(consts: &[f64]) -> Vec<f64> {
    let mut c: Vec<f64> = consts.to_vec();
    c.sort_by(f64::total_cmp);
    c.dedup();
    c
}

/// Every non-empty region the sorted literals `c` cut the number line into
/// (gap `2i` below `c[i]`, point `2i + 1`, gap `2n` above all), with one
/// value each.
fn regions(c: &[f64]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    let mut prev: Option<f64> = None;
    for (i, &k) in c.iter().enumerate() {
        if let Some(v) = between(prev, Some(k)) {
            out.push((2 * i, v));
        }
        out.push((2 * i + 1, k));
        prev = Some(k);
    }
    if let Some(v) = between(prev, None) {
        out.push((2 * c.len(), v));
    }
    out
}

/// The region (as numbered by [`regions`]) of `x`.
fn region_index(c: &[f64], x: f64) -> usize {
    match c.iter().position(|k| *k == x) {
        Some(i) => 2 * i + 1,
        None => 2 * c.iter().filter(|k| **k < x).count(),
    }
}

/// One value of every region the numeric literals cut the number line into.
fn region_values(consts: &[f64]) -> Vec<f64> {
    regions(&sorted(consts))
        .into_iter()
        .map(|(_, v)| v)
        .collect()
}

/// Texts that cover every combination of the text tests `langs` (and no
/// other text does better), within the constraints. `direct` checks the
/// constraints on one text. The second value is why the list may be
/// incomplete.
fn text_witnesses(
    langs: &[&Compiled],
    required: &[&Nfa],
    forbidden: &[&Nfa],
    direct: &dyn Fn(&str) -> bool,
    samples: &[&str],
    budget: &mut Budget,
) -> (Vec<String>, Option<String>) {
    let literal = |c: &&Compiled| matches!(c.lang(), Some(Val::Text(t)) if !t.contains('*'));
    let literals: Vec<&str> = langs
        .iter()
        .filter_map(|c| match c.lang() {
            Some(Val::Text(t)) if !t.contains('*') => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let other = || -> Option<String> {
        samples
            .iter()
            .map(|s| (*s).to_owned())
            .chain(["x".to_owned()])
            .chain((1..=langs.len() + 1).map(|i| format!("x{i}")))
            .chain((0..=langs.len() + 1).map(|i| i.to_string()))
            .find(|s| direct(s) && !literals.contains(&s.as_str()))
    };
    if langs.iter().all(literal) {
        let mut out: Vec<String> = literals
            .iter()
            .filter(|t| direct(t))
            .map(|t| (*t).to_owned())
            .collect();
        out.extend(other());
        return (out, None);
    }
    // Candidates: samples, the literal texts and each wildcard's shortest instance.
    let mut candidates: Vec<String> = samples.iter().map(|s| (*s).to_owned()).collect();
    for c in langs {
        if let Some(Val::Text(t)) = c.lang() {
            candidates.push(t.replace('*', ""));
        }
    }
    candidates.retain(|s| direct(s));
    let nfas: Result<Vec<Nfa>, automata::Unsupported> = langs
        .iter()
        .map(|c| match c.lang() {
            Some(Val::Regex(r)) => Nfa::regex_search(r),
            Some(Val::Text(t)) => Nfa::glob(t),
            _ => Nfa::glob("*"),
        })
        .collect();
    let explored = nfas.map_err(|e| e.0).and_then(|nfas| {
        let refs: Vec<&Nfa> = nfas.iter().collect();
        automata::explore(&refs, required, forbidden, budget).map_err(|e| e.0)
    });
    match explored {
        Ok(found) => {
            let vector = |s: &str| -> u64 {
                langs.iter().enumerate().fold(0u64, |m, (i, c)| {
                    if c.on_text(s) == Some(true) && i < 64 {
                        m | (1 << i)
                    } else {
                        m
                    }
                })
            };
            let out = found
                .into_iter()
                .map(|(bits, w)| {
                    candidates
                        .iter()
                        .find(|c| vector(c) == bits)
                        .cloned()
                        .unwrap_or(w)
                })
                .collect();
            (out, None)
        }
        Err(reason) => {
            candidates.extend(other());
            (candidates, Some(reason))
        }
    }
}

/// Which texts are numbers: JSON numbers in events, number literals in
/// delimited fields.
#[derive(Clone, Copy, Debug)]
pub enum Syntax {
    /// RFC 8259 numbers.
    Json,
    /// `[+-]?digits(.digits)?([eE][+-]?digits)?`
    Literal,
}

static JSON_NUMBER: LazyLock<Result<Nfa, automata::Unsupported>> = LazyLock::new(Nfa::json_number);
static NUMBER_LITERAL: LazyLock<Result<Nfa, automata::Unsupported>> =
    LazyLock::new(Nfa::number_literal);
static FIELD_VALUE: LazyLock<Result<Nfa, automata::Unsupported>> = LazyLock::new(Nfa::field_value);

impl Syntax {
    fn accepts(self, t: &str) -> bool {
        match self {
            Syntax::Json => is_json_number(t),
            Syntax::Literal => is_number_literal(t),
        }
    }

    fn nfa(self) -> Result<&'static Nfa, String> {
        let n = match self {
            Syntax::Json => &*JSON_NUMBER,
            Syntax::Literal => &*NUMBER_LITERAL,
        };
        n.as_ref().map_err(|e| e.0.clone())
    }
}

/// How a number-like test relates to the texts of a number syntax.
enum OnNumbers {
    Never,
    Always,
    Partial,
}

fn on_numbers(c: &Compiled, syntax: Syntax, budget: &mut Budget) -> OnNumbers {
    match c.lang() {
        Some(Val::Text(t)) if !t.contains('*') => {
            if syntax.accepts(t) {
                OnNumbers::Partial
            } else {
                OnNumbers::Never
            }
        }
        Some(Val::Text(t)) => {
            if t.chars().all(|c| c == '*') {
                OnNumbers::Always
            } else if t.chars().any(|c| !"0123456789+-.eE*".contains(c)) {
                OnNumbers::Never
            } else {
                OnNumbers::Partial
            }
        }
        Some(Val::Regex(r)) => {
            let (Ok(n), Ok(num)) = (Nfa::regex_search(r), syntax.nfa()) else {
                return OnNumbers::Partial;
            };
            match automata::explore(&[&n], &[num], &[], budget) {
                Ok(found) if found.iter().all(|(b, _)| *b == 1) => OnNumbers::Always,
                Ok(found) if found.iter().all(|(b, _)| *b == 0) => OnNumbers::Never,
                _ => OnNumbers::Partial,
            }
        }
        _ => OnNumbers::Never,
    }
}

/// Texts of numbers (in `syntax`) covering every combination of the
/// numeric tests and text tests, and why the list may be incomplete.
fn number_witnesses(
    tests: &[&Compiled],
    syntax: Syntax,
    budget: &mut Budget,
) -> (Vec<String>, Option<String>) {
    let consts = number_constants(tests);
    let partial: Vec<&Compiled> = tests
        .iter()
        .copied()
        .filter(|c| {
            c.lang().is_some() && matches!(on_numbers(c, syntax, budget), OnNumbers::Partial)
        })
        .collect();
    let spelt: Vec<String> = region_values(&consts)
        .into_iter()
        .map(number_text)
        .collect();
    if partial.is_empty() {
        return (spelt, None);
    }
    let nfa = match syntax.nfa() {
        Ok(n) => n,
        Err(e) => return (spelt, Some(e)),
    };
    let (texts, reason) =
        text_witnesses(&partial, &[nfa], &[], &|t| syntax.accepts(t), &[], budget);
    if consts.is_empty() {
        return (texts, reason);
    }
    // Exact texts only: a literal is one spelling of one number; every
    // region has other spellings. So each region's value spelt unlike every
    // literal, and each literal, cover every combination.
    let literals: Vec<&str> = partial
        .iter()
        .filter_map(|c| match c.lang() {
            Some(Val::Text(t)) if !t.contains('*') => Some(t.as_str()),
            _ => None,
        })
        .collect();
    if literals.len() == partial.len() {
        return literal_witnesses(&literals, &consts, syntax);
    }
    mixed_witnesses(&partial, &consts, texts, reason.is_none(), syntax)
}

/// The numeric constants the tests compare with.
fn number_constants(tests: &[&Compiled]) -> Vec<f64> {
    tests
        .iter()
        .filter_map(|c| match &c.test {
            Test::Eq(Val::Num(n)) | Test::Ne(Val::Num(n)) | Test::Ord(_, n) => {
                Some(f64::from_bits(*n))
            }
            _ => None,
        })
        .collect()
}

/// When every text test is an exact literal: each region's value spelt
/// unlike every literal, then each literal the syntax accepts.
fn literal_witnesses(
    literals: &[&str],
    consts: &[f64],
    syntax: Syntax,
) -> (Vec<String>, Option<String>) {
    let mut out: Vec<String> = Vec::new();
    for v in region_values(consts) {
        let spelt = number_variants(&number_text(v)).into_iter().find(|t| {
            syntax.accepts(t) && !literals.contains(&t.as_str()) && t.parse::<f64>().ok() == Some(v)
        });
        match spelt {
            Some(t) => out.push(t),
            None => {
                return (
                    out,
                    Some("internal: no other spelling of a number".to_owned()),
                );
            }
        }
    }
    out.extend(
        literals
            .iter()
            .filter(|t| syntax.accepts(t))
            .map(|t| (*t).to_owned()),
    );
    (out, None)
}

/// When text tests with wildcards meet numeric ones: try variants of every
/// value found so far (signs, leading and trailing zeros, exponents). Exact
/// when `texts` were exact and the variants realize every text combination
/// in every region.
fn mixed_witnesses(
    partial: &[&Compiled],
    consts: &[f64],
    texts: Vec<String>,
    texts_exact: bool,
    syntax: Syntax,
) -> (Vec<String>, Option<String>) {
    let vector = |t: &str| -> u64 {
        partial.iter().enumerate().fold(0u64, |m, (i, c)| {
            if i < 64 && c.on_text(t) == Some(true) {
                m | (1 << i)
            } else {
                m
            }
        })
    };
    let wanted: Vec<u64> = texts.iter().map(|t| vector(t)).collect();
    let cuts = sorted(consts);
    let regs = regions(&cuts);
    let mut seeds: Vec<String> = regs.iter().map(|(_, v)| number_text(*v)).collect();
    seeds.extend(texts);
    for c in partial {
        if let Some(Val::Text(t)) = c.lang() {
            seeds.push(t.replace('*', ""));
        }
    }
    let mut all: Vec<String> = Vec::new();
    let mut realized: Vec<(u64, usize)> = Vec::new();
    for s in &seeds {
        for v in number_variants(s) {
            if syntax.accepts(&v) && !all.contains(&v) {
                if let Ok(x) = v.parse::<f64>() {
                    let key = (vector(&v), region_index(&cuts, x));
                    if !realized.contains(&key) {
                        realized.push(key);
                    }
                }
                all.push(v);
            }
        }
    }
    let complete = texts_exact
        && wanted
            .iter()
            .all(|w| regs.iter().all(|(r, _)| realized.contains(&(*w, *r))));
    let why = (!complete).then(|| {
        "a selector is compared both as a number and as text; only some numbers were tried"
            .to_owned()
    });
    (all, why)
}

/// Other ways to write (about) the number `s`.
fn number_variants(s: &str) -> Vec<String> {
    let mut out = vec![s.to_owned()];
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    out.push(format!("+{unsigned}"));
    out.push(format!("-{unsigned}"));
    out.push(format!("0{unsigned}"));
    for suffix in ["0", "00", ".0", ".5", "e0", "e1", "e2", "e-1"] {
        out.push(format!("{s}{suffix}"));
    }
    // 1e3 as 1.0e3, 1.5e3 as 1.50e3.
    if let Some((m, e)) = s.split_once(['e', 'E']) {
        let m = if m.contains('.') {
            format!("{m}0")
        } else {
            format!("{m}.0")
        };
        out.push(format!("{m}e{e}"));
    }
    // 404 as 4.04e2.
    if unsigned.len() > 1 && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        let (head, tail) = unsigned.split_at(1);
        out.push(format!("{head}.{tail}e{}", unsigned.len() - 1));
    }
    out
}

/// What a JSON position may hold besides scalars, and how to order its
/// values.
#[derive(Clone, Copy, Debug, Default)]
pub struct Shape {
    /// The value may be missing (false for the root and for elements).
    pub can_be_missing: bool,
    /// Fields below it are selected: an object is a distinct choice.
    pub object: bool,
    /// Elements below it are selected: an array is a distinct choice.
    pub array: bool,
    /// Prefer a present value (a field CloudTrail always carries).
    pub prefer_present: bool,
    /// Keep "missing" apart from present values that pass the same tests
    /// (an array element: its presence makes the array longer).
    pub keep_missing: bool,
}

/// One value of a cell, and the truth of every test on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The value.
    pub value: Scalar,
    /// `bits[i]`: test `i` holds.
    pub bits: Vec<bool>,
}

/// The cells of a JSON position: one value per realizable combination of
/// the tests (objects and arrays kept apart when things are selected below
/// them), in the order a witness should try them; and why the list may be
/// incomplete.
pub fn json_cells(
    tests: &[Compiled],
    shape: Shape,
    samples: &[&str],
    budget: &mut Budget,
) -> (Vec<Choice>, Option<String>) {
    let mut reason = None;
    let langs: Vec<&Compiled> = dedup_langs(tests);
    let (strings, r1) = text_witnesses(&langs, &[], &[], &|_| true, samples, budget);
    reason = reason.or(r1);
    let numeric: Vec<&Compiled> = tests
        .iter()
        .filter(|c| {
            c.lang().is_some()
                || matches!(
                    c.test,
                    Test::Eq(Val::Num(_)) | Test::Ne(Val::Num(_)) | Test::Ord(..)
                )
        })
        .collect();
    let (numbers, r2) = number_witnesses(&dedup_refs(numeric), Syntax::Json, budget);
    reason = reason.or(r2);
    let mut values: Vec<Scalar> = Vec::new();
    if shape.can_be_missing && !shape.prefer_present {
        values.push(Scalar::Missing);
    }
    if shape.prefer_present && shape.object {
        values.push(Scalar::Obj);
    }
    values.extend(strings.into_iter().map(Scalar::Str));
    values.extend(numbers.into_iter().map(Scalar::Num));
    values.extend([
        Scalar::Bool(true),
        Scalar::Bool(false),
        Scalar::Null,
        Scalar::Obj,
        Scalar::Arr,
    ]);
    if shape.can_be_missing && shape.prefer_present {
        values.push(Scalar::Missing);
    }
    let mut out: Vec<Choice> = Vec::new();
    // Values that enable positions below, and a kept "missing", are never
    // merged with others.
    let class = |s: &Scalar| match s {
        Scalar::Obj if shape.object => 1,
        Scalar::Arr if shape.array => 2,
        Scalar::Missing if shape.keep_missing => 3,
        _ => 0,
    };
    for v in values {
        let bits: Vec<bool> = tests.iter().map(|c| eval_json(c, &v)).collect();
        let dup = out
            .iter()
            .any(|c| c.bits == bits && class(&c.value) == class(&v));
        if !dup {
            out.push(Choice { value: v, bits });
        }
    }
    (out, reason)
}

/// The cells of a space-delimited field: texts covering every realizable
/// combination of the tests, and why the list may be incomplete.
pub fn field_cells(
    tests: &[Compiled],
    budget: &mut Budget,
) -> (Vec<(String, Vec<bool>)>, Option<String>) {
    let (Ok(field), Ok(literal)) = (FIELD_VALUE.as_ref(), NUMBER_LITERAL.as_ref()) else {
        return (
            vec![(
                "x".to_owned(),
                tests.iter().map(|c| eval_field(c, "x")).collect(),
            )],
            Some("internal: field automata".to_owned()),
        );
    };
    let langs = dedup_langs(tests);
    let representable = |t: &str| field.accepts(t) && !literal.accepts(t);
    let (mut texts, reason) =
        text_witnesses(&langs, &[field], &[literal], &representable, &[], budget);
    let numeric: Vec<&Compiled> = tests.iter().collect();
    let (numbers, r2) = number_witnesses(&numeric, Syntax::Literal, budget);
    texts.extend(numbers);
    let mut out: Vec<(String, Vec<bool>)> = Vec::new();
    for t in texts {
        let bits: Vec<bool> = tests.iter().map(|c| eval_field(c, &t)).collect();
        if !out.iter().any(|(_, b)| *b == bits) {
            out.push((t, bits));
        }
    }
    (out, reason.or(r2))
}

fn dedup_langs(tests: &[Compiled]) -> Vec<&Compiled> {
    let mut out: Vec<&Compiled> = Vec::new();
    for c in tests {
        if let Some(l) = c.lang()
            && !out.iter().any(|o| o.lang() == Some(l))
        {
            out.push(c);
        }
    }
    out
}

fn dedup_refs(tests: Vec<&Compiled>) -> Vec<&Compiled> {
    let mut out: Vec<&Compiled> = Vec::new();
    for c in tests {
        if !out
            .iter()
            .any(|o| o.test == c.test || (o.lang().is_some() && o.lang() == c.lang()))
        {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(t: Test) -> Compiled {
        Compiled::new(t).unwrap()
    }

    fn text(s: &str) -> Val {
        Val::Text(s.to_owned())
    }

    fn num(x: f64) -> Val {
        Val::Num(bits_of(x))
    }

    #[test]
    fn regions_cover_points_and_gaps() {
        let r = region_values(&[1.0, 5.0]);
        assert_eq!(r, vec![0.0, 1.0, 2.0, 5.0, 6.0]);
        let r = region_values(&[f64::INFINITY]);
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|v| !v.is_nan()));
        // No number strictly between two neighbours.
        let a = 1.0f64;
        let r = region_values(&[a, a.next_up()]);
        assert_eq!(r.len(), 4);
        for v in region_values(&[-1.5, 0.0, 1e300]) {
            let t = number_text(v);
            assert!(is_json_number(&t), "{t}");
            assert_eq!(t.parse::<f64>().unwrap(), v, "{t}");
        }
    }

    #[test]
    fn json_numbers() {
        for ok in ["0", "-0", "1.5", "1e999", "-1e-7", "10"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["01", "+1", "1.", "", "-", "0x1", "1e"] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn cells_of_equalities_and_inequalities() {
        let tests = vec![
            c(Test::Eq(text("ConsoleLogin"))),
            c(Test::Ne(text("Yes"))),
            c(Test::Eq(num(1.0))),
        ];
        let (cells, reason) = json_cells(
            &tests,
            Shape {
                can_be_missing: true,
                ..Shape::default()
            },
            &[],
            &mut Budget::new(100_000),
        );
        assert!(reason.is_none());
        let vectors: Vec<&Vec<bool>> = cells.iter().map(|c| &c.bits).collect();
        // Missing, "ConsoleLogin", "Yes", another string, the number 1, another number.
        assert!(vectors.contains(&&vec![false, false, false]));
        assert!(vectors.contains(&&vec![true, true, false]));
        assert!(vectors.contains(&&vec![false, false, false]));
        assert!(vectors.contains(&&vec![false, true, true]));
        assert!(vectors.contains(&&vec![false, true, false]));
        assert_eq!(cells.first().map(|c| &c.value), Some(&Scalar::Missing));
    }

    #[test]
    fn mixed_number_and_text() {
        // Numbers ending in 0, below, at and above 10: every combination
        // was found among the spellings tried, so the cells are exact.
        let tests = vec![
            c(Test::Eq(text("*0"))),
            c(Test::Ord(CmpOp::Gt, bits_of(10.0))),
        ];
        let (cells, reason) = json_cells(&tests, Shape::default(), &[], &mut Budget::new(100_000));
        assert!(reason.is_none(), "{reason:?}");
        assert!(
            cells.iter().any(|c| c.bits == vec![true, true]),
            "{cells:?}"
        );
        // No number equal to 5 starts with 1; the spellings tried cannot
        // show that, so the cells are inexact.
        let tests = vec![c(Test::Eq(text("1*"))), c(Test::Eq(num(5.0)))];
        let (_, reason) = json_cells(&tests, Shape::default(), &[], &mut Budget::new(100_000));
        assert!(reason.is_some());
    }

    #[test]
    fn field_cells_split_numbers_from_words() {
        let tests = vec![c(Test::Eq(text("ERROR"))), c(Test::Eq(num(404.0)))];
        let (cells, reason) = field_cells(&tests, &mut Budget::new(100_000));
        assert!(reason.is_none());
        let has = |t: &str, bits: [bool; 2]| cells.iter().any(|(x, b)| x == t && b[..] == bits[..]);
        assert!(has("ERROR", [true, false]), "{cells:?}");
        assert!(has("404", [false, true]), "{cells:?}");
        assert!(cells.iter().any(|(_, b)| b[..] == [false, false]));
        assert_eq!(cells.len(), 3);
    }
}
