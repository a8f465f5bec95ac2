//! Number values covering every combination of numeric and text tests.

use std::sync::LazyLock;

use super::eval::{Compiled, Test, Val};
use super::number_line::{
    is_json_number, number_text, region_index, region_values, regions, sorted,
};
use super::text::text_witnesses;
use crate::pattern::ast::is_number_literal;
use crate::semantics::automata::{self, Budget, Nfa};

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
pub(super) static NUMBER_LITERAL: LazyLock<Result<Nfa, automata::Unsupported>> =
    LazyLock::new(Nfa::number_literal);
pub(super) static FIELD_VALUE: LazyLock<Result<Nfa, automata::Unsupported>> =
    LazyLock::new(Nfa::field_value);

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
pub(super) fn number_witnesses(
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
