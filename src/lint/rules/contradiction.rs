//! Contradictory `&&` chains: conditions on one selector that cannot all
//! hold ([`Rule::NeverMatches`]).

use super::{PatternFinding, Rule, selector_text};
use crate::pattern::ast::{Ast, CmpOp, Condition, Expr, FieldCond, Span, Test};
use crate::pattern::normal::{NValue, norm_value};

/// The `&&` chains that can never be true in a pattern: one finding per
/// chain, naming each selector whose conditions contradict each other and
/// all the values involved. The finding's span runs from the first to the
/// last condition involved; each of them is a related span.
pub fn never_matches(ast: &Ast) -> Vec<PatternFinding> {
    let mut out = Vec::new();
    match ast {
        Ast::Json(j) => conjunctions(&j.expr, &mut |leaves: &[&Condition]| {
            let chain: Vec<ChainCondition> = leaves
                .iter()
                .filter(|c| c.selector.wildcard_count() == 0)
                .map(|c| ChainCondition {
                    selector: selector_text(&c.selector.steps),
                    test: c.test.clone(),
                    span: c.span,
                })
                .collect();
            out.extend(chain_finding(&contradictions(&chain), ""));
        }),
        Ast::Delimited(d) => {
            for field in &d.fields {
                if let crate::pattern::ast::Field::Cond(expr) = field {
                    conjunctions(expr, &mut |leaves: &[&FieldCond]| {
                        let chain: Vec<ChainCondition> = leaves
                            .iter()
                            .map(|c| ChainCondition {
                                selector: c.name.name.clone(),
                                test: Test::Compare {
                                    op: c.op,
                                    op_span: c.op_span,
                                    value: c.value.clone(),
                                },
                                span: c.span,
                            })
                            .collect();
                        out.extend(chain_finding(&contradictions(&chain), "field "));
                    });
                }
            }
        }
        _ => {}
    }
    out
}

/// One condition of an `&&` chain, as [`contradictions`] reads it.
#[derive(Clone, Debug)]
pub struct ChainCondition {
    /// The selector as written in messages (`$.eventName`, or a field name
    /// of a space-delimited pattern). Conditions with the same text test
    /// the same value.
    pub selector: String,
    /// What the condition tests.
    pub test: Test,
    /// Where it is written.
    pub span: Span,
}

/// The conditions on one selector of an `&&` chain that cannot all hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contradiction {
    /// The selector (as in [`ChainCondition::selector`]).
    pub selector: String,
    /// Every condition on it that contradicts another one, in pattern order,
    /// with its test as text (`= "A"`, `NOT EXISTS`).
    pub conditions: Vec<(Span, String)>,
    /// Why they cannot all hold: `cannot equal both `"A"` and `"B"``.
    pub why: String,
    /// Whether the conditions are all equalities (to different values):
    /// then joining them with `||` is the likely intent.
    pub equalities: bool,
}

/// The contradictions among the conditions of one `&&` chain: at most one
/// per selector, in the order the selectors first appear. Two conditions
/// contradict when they require two different exact values, equal and not
/// equal one value, a test and `NOT EXISTS`, or `IS TRUE` and `IS FALSE`;
/// wildcards, regexes and a number against a string are not judged.
pub fn contradictions(chain: &[ChainCondition]) -> Vec<Contradiction> {
    let mut selectors: Vec<&str> = Vec::new();
    for c in chain {
        if !selectors.contains(&c.selector.as_str()) {
            selectors.push(&c.selector);
        }
    }
    let mut out = Vec::new();
    for sel in selectors {
        let group: Vec<&ChainCondition> = chain.iter().filter(|c| c.selector == sel).collect();
        let mut involved = vec![false; group.len()];
        let mut reasons: Vec<String> = Vec::new();
        for (i, b) in group.iter().enumerate() {
            for (k, a) in group.iter().enumerate().take(i) {
                if let Some(why) = contradiction(&a.test, &b.test) {
                    if let Some(x) = involved.get_mut(k) {
                        *x = true;
                    }
                    if let Some(x) = involved.get_mut(i) {
                        *x = true;
                    }
                    if !reasons.contains(&why) {
                        reasons.push(why);
                    }
                }
            }
        }
        let conds: Vec<&ChainCondition> = group
            .iter()
            .zip(&involved)
            .filter(|(_, x)| **x)
            .map(|(c, _)| *c)
            .collect();
        if conds.is_empty() {
            continue;
        }
        let equalities = conds
            .iter()
            .all(|c| matches!(c.test, Test::Compare { op: CmpOp::Eq, .. }));
        let why = if equalities {
            let mut values: Vec<String> = Vec::new();
            for c in &conds {
                if let Test::Compare { value, .. } = &c.test {
                    let v = show(&norm_value(value));
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
            match values.as_slice() {
                [a, b] => format!("cannot equal both {a} and {b}"),
                _ => format!("cannot equal {} at once", and_list(&values)),
            }
        } else if let [only] = reasons.as_slice() {
            if conds.len() == 2 {
                only.clone()
            } else {
                tests_why(&conds)
            }
        } else {
            tests_why(&conds)
        };
        out.push(Contradiction {
            selector: sel.to_owned(),
            conditions: conds.iter().map(|c| (c.span, test_text(&c.test))).collect(),
            why,
            equalities,
        });
    }
    out
}

/// `cannot meet `= "x"`, `!= "x"` and `NOT EXISTS` at once`.
fn tests_why(conds: &[&ChainCondition]) -> String {
    let mut tests: Vec<String> = Vec::new();
    for c in conds {
        let t = format!("`{}`", test_text(&c.test));
        if !tests.contains(&t) {
            tests.push(t);
        }
    }
    format!("cannot meet {} at once", and_list(&tests))
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Clauses joined: `a`, `a, and b`, `a, b, and c`.
fn clauses(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{}, and {last}", rest.join(", ")),
    }
}

/// A test as written, normalised: `= "A"`, `!= 1`, `IS TRUE`, `NOT EXISTS`.
fn test_text(t: &Test) -> String {
    match t {
        Test::Compare { op, value, .. } => {
            let v = match norm_value(value) {
                NValue::Text(t) => format!("\"{t}\""),
                NValue::Number(n) => n,
                NValue::Regex(r) => format!("%{r}%"),
            };
            format!("{} {v}", op.as_str())
        }
        Test::IsNull { .. } => String::from("IS NULL"),
        Test::IsTrue { .. } => String::from("IS TRUE"),
        Test::IsFalse { .. } => String::from("IS FALSE"),
        Test::NotExists { .. } => String::from("NOT EXISTS"),
    }
}

/// The one finding for a chain with these contradictions (none when empty).
/// `prefix` goes before a selector in the message (`field ` for a
/// space-delimited pattern).
fn chain_finding(found: &[Contradiction], prefix: &str) -> Option<PatternFinding> {
    let first = found.first()?;
    let spans = found
        .iter()
        .flat_map(|c| c.conditions.iter().map(|(s, _)| *s));
    let span = spans.clone().reduce(Span::to)?;
    let parts: Vec<String> = found
        .iter()
        .map(|c| format!("{prefix}`{}` {}", c.selector, c.why))
        .collect();
    let help = if first.equalities {
        format!(
            "to match {} value, join the conditions on {prefix}`{}` with `||`",
            if first.conditions.len() == 2 {
                "either"
            } else {
                "any"
            },
            first.selector
        )
    } else {
        format!(
            "drop the condition on {prefix}`{}` that cannot hold with the others, or join them with `||`",
            first.selector
        )
    };
    let mut related: Vec<(Span, String)> = found
        .iter()
        .flat_map(|c| {
            c.conditions
                .iter()
                .map(|(s, t)| (*s, format!("{prefix}`{} {t}`", c.selector)))
        })
        .collect();
    related.sort_by_key(|(s, _)| s.start);
    Some(PatternFinding {
        rule: Rule::NeverMatches,
        span,
        message: format!("{}, so this `&&` never matches", clauses(&parts)),
        help: Some(help),
        related,
    })
}

/// Call `f` with the leaves of every `&&` chain (looking through
/// parentheses and nested `&&`), recursing into `||` operands.
fn conjunctions<C>(expr: &Expr<C>, f: &mut impl FnMut(&[&C])) {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::And(_) => {
                let mut leaves = Vec::new();
                let mut inner = vec![e];
                while let Some(x) = inner.pop() {
                    match x {
                        Expr::And(c) => inner.extend(c.operands.iter().rev()),
                        Expr::Paren(p) => inner.push(&p.inner),
                        Expr::Leaf(l) => leaves.push(l),
                        Expr::Or(_) => stack.push(x),
                    }
                }
                f(&leaves);
            }
            Expr::Or(c) => stack.extend(c.operands.iter()),
            Expr::Paren(p) => stack.push(&p.inner),
            Expr::Leaf(_) => {}
        }
    }
}

/// Why two tests of one selector cannot both hold, if they cannot.
fn contradiction(a: &Test, b: &Test) -> Option<String> {
    match (a, b) {
        (
            Test::Compare {
                op: oa, value: va, ..
            },
            Test::Compare {
                op: ob, value: vb, ..
            },
        ) => {
            let (na, nb) = (norm_value(va), norm_value(vb));
            let exact = |v: &NValue| match v {
                NValue::Text(t) => !t.contains('*'),
                NValue::Number(_) => true,
                NValue::Regex(_) => false,
            };
            if !exact(&na) || !exact(&nb) {
                return None;
            }
            let equal = match (&na, &nb) {
                (NValue::Number(x), NValue::Number(y)) => {
                    match (x.parse::<f64>(), y.parse::<f64>()) {
                        (Ok(x), Ok(y)) => Some(x == y),
                        _ => None,
                    }
                }
                (NValue::Text(x), NValue::Text(y)) => Some(x == y),
                _ => None,
            }?;
            match (oa, ob) {
                (CmpOp::Eq, CmpOp::Eq) if !equal => {
                    Some(format!("cannot equal both {} and {}", show(&na), show(&nb)))
                }
                (CmpOp::Eq, CmpOp::Ne) | (CmpOp::Ne, CmpOp::Eq) if equal => {
                    Some(format!("cannot both equal and not equal {}", show(&na)))
                }
                _ => None,
            }
        }
        (
            Test::Compare { .. } | Test::IsTrue { .. } | Test::IsFalse { .. } | Test::IsNull { .. },
            Test::NotExists { .. },
        )
        | (
            Test::NotExists { .. },
            Test::Compare { .. } | Test::IsTrue { .. } | Test::IsFalse { .. } | Test::IsNull { .. },
        ) => Some(String::from("cannot both be tested and not exist")),
        (Test::IsTrue { .. }, Test::IsFalse { .. })
        | (Test::IsFalse { .. }, Test::IsTrue { .. }) => {
            Some(String::from("cannot be both true and false"))
        }
        _ => None,
    }
}

fn show(v: &NValue) -> String {
    match v {
        NValue::Text(t) => format!("`\"{t}\"`"),
        NValue::Number(n) => format!("`{n}`"),
        NValue::Regex(r) => format!("`%{r}%`"),
    }
}
