//! One position of an event — the value a JSON selector reaches, or one
//! space-delimited field — and the tests patterns make there.
//!
//! The tests at a position split its possible values into *cells*: values
//! that every test answers alike. [`json_cells`] and [`field_cells`] list
//! one value per realizable cell (the truth of every test on it), so that a
//! search over positions only has to try one value of each cell:
//! - text values against wildcards and regexes: the realizable combinations
//!   come from [`automata::explore`](super::automata::explore), exact;
//! - numbers compared numerically: the literals cut the number line into
//!   points and open intervals, one value each, exact;
//! - numbers compared both numerically and as text (`$.n = "1*" && $.n >
//!   5`): candidate values only, and the cell list is marked inexact.
//!
//! Evaluation ([`eval_json`], [`eval_field`]) is the matcher's table in
//! `docs/matching.md`, written again over these values; every witness built
//! from it is confirmed by the matcher itself before it is shown.

mod eval;
mod number_line;
mod numbers;
mod text;

pub use eval::{Compiled, Scalar, Test, Val, eval_field, eval_json};

use super::automata::Budget;
use numbers::{FIELD_VALUE, NUMBER_LITERAL, Syntax, number_witnesses};
use text::text_witnesses;

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
    use super::eval::bits_of;
    use super::number_line::{is_json_number, number_text, region_values};
    use super::*;
    use crate::pattern::ast::CmpOp;

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
