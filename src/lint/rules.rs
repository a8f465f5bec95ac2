//! The lint rules: stable codes, names, levels and documentation, and the
//! checks on a parsed pattern that do not depend on CIS.

use serde::Serialize;

use crate::pattern::ast::{Ast, CmpOp, Condition, Expr, FieldCond, Span, StepKind, Test};
use crate::pattern::normal::{NValue, norm_value};
use crate::semantics::parts::{
    AbsentMiss, PartKind, absent_field_miss, cloudtrail_optional_prefix, dead_and_redundant,
};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Information; never fails a run.
    Info,
    /// Worth fixing; fails the run with `--deny warnings`.
    Warning,
    /// Fails the run.
    Error,
}

impl Level {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// What a rule is: its stable code, its name, the level of its
/// diagnostics and one sentence saying what it finds. `docs/lint.md` has a
/// section per rule (what, why, a bad and a good example), and
/// `tests/data/lint/rules/` a file that triggers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// `CF0100`.
    pub code: &'static str,
    /// `pattern-syntax`.
    pub name: &'static str,
    /// The level of its diagnostics.
    pub level: Level,
    /// One sentence.
    pub summary: &'static str,
}

/// A lint rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Rule {
    /// A file that cannot be read, is not UTF-8, or does not parse.
    FileError,
    /// A pattern that is not known without running Terraform or CloudFormation.
    Unresolved,
    /// A pattern that does not parse.
    PatternSyntax,
    /// A filter meant for a CIS control whose pattern does not pass.
    CisNonconforming,
    /// A filter equivalent to the CIS pattern but not token-identical.
    CisEquivalent,
    /// A control required with `--require` that no filter passes.
    CisMissing,
    /// A pattern, or an `||` alternative of it, that can never be true.
    NeverMatches,
    /// `!=` on a field many events do not have.
    NeOnOptionalField,
    /// A metric filter whose metric no alarm in the same files watches.
    NoAlarm,
    /// A condition or alternative the pattern matches the same events without.
    RedundantTerm,
}

impl Rule {
    /// Every rule, in code order.
    pub const ALL: &'static [Rule] = &[
        Rule::FileError,
        Rule::Unresolved,
        Rule::PatternSyntax,
        Rule::CisNonconforming,
        Rule::CisEquivalent,
        Rule::CisMissing,
        Rule::NeverMatches,
        Rule::NeOnOptionalField,
        Rule::NoAlarm,
        Rule::RedundantTerm,
    ];

    /// Everything about the rule but its check: one row per rule.
    pub fn info(self) -> &'static RuleInfo {
        match self {
            Rule::FileError => &RuleInfo {
                code: "CF0001",
                name: "file-error",
                level: Level::Error,
                summary: "The file cannot be read, is not UTF-8, or is not valid Terraform, YAML or JSON.",
            },
            Rule::Unresolved => &RuleInfo {
                code: "CF0002",
                name: "unresolved-pattern",
                level: Level::Info,
                summary: "The filter pattern is not known without running Terraform or CloudFormation, so it was not checked.",
            },
            Rule::PatternSyntax => &RuleInfo {
                code: "CF0100",
                name: "pattern-syntax",
                level: Level::Error,
                summary: "The filter pattern does not parse; CloudWatch Logs would reject it.",
            },
            Rule::CisNonconforming => &RuleInfo {
                code: "CF0200",
                name: "cis-nonconforming",
                level: Level::Error,
                summary: "The filter is meant for a CIS control but its pattern does not pass the benchmark's check.",
            },
            Rule::CisEquivalent => &RuleInfo {
                code: "CF0201",
                name: "cis-equivalent",
                level: Level::Info,
                summary: "The filter is logically the CIS pattern but not written token for token the same; Security Hub's near-literal comparison may still fail it.",
            },
            Rule::CisMissing => &RuleInfo {
                code: "CF0202",
                name: "cis-missing",
                level: Level::Error,
                summary: "A control required with --require has no passing metric filter in the linted files.",
            },
            Rule::NeverMatches => &RuleInfo {
                code: "CF0300",
                name: "never-matches",
                level: Level::Warning,
                summary: "The pattern, or an `||` alternative of it, requires what no event can have at once (two values of one field, an empty range), so it can never match.",
            },
            Rule::NeOnOptionalField => &RuleInfo {
                code: "CF0301",
                name: "ne-on-optional-field",
                level: Level::Warning,
                summary: "`!=` on a field that CloudTrail does not write in every record: events without the field never match.",
            },
            Rule::NoAlarm => &RuleInfo {
                code: "CF0302",
                name: "no-alarm",
                level: Level::Warning,
                summary: "The metric filter publishes a metric that no alarm in the same files watches.",
            },
            Rule::RedundantTerm => &RuleInfo {
                code: "CF0303",
                name: "redundant-term",
                level: Level::Warning,
                summary: "A condition or `||` alternative changes nothing: the pattern matches the same events without it.",
            },
        }
    }

    /// The stable code (`CF0100`).
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// The readable name (`pattern-syntax`).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The level its diagnostics have.
    pub fn level(self) -> Level {
        self.info().level
    }

    /// One sentence.
    pub fn summary(self) -> &'static str {
        self.info().summary
    }

    /// Look a rule up by code or name (case-insensitive).
    pub fn from_code(s: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(s) || r.name().eq_ignore_ascii_case(s))
    }
}

/// A finding of a pattern check: where in the pattern, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternFinding {
    /// The rule.
    pub rule: Rule,
    /// The bytes of the pattern at fault.
    pub span: Span,
    /// The message.
    pub message: String,
    /// Advice.
    pub help: Option<String>,
    /// Related places in the pattern, with a label.
    pub related: Vec<(Span, String)>,
}

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

/// `!=` conditions on a CloudTrail record field that CloudTrail does not
/// write in every record ([`cloudtrail_optional_prefix`]): such a
/// condition is false for an event without the field. Reported with an
/// event the pattern misses that way (confirmed by the matcher); not
/// reported when the pattern misses no such event (another condition needs
/// the field anyway, or the pattern also lets events without it match), or
/// when the field is in `exempt` (the `!=` fields of the CIS pattern the
/// filter is meant to follow: the benchmark prescribes them, so they are
/// not the author's slip). When the comparison is not decided, the warning
/// is given without an event unless the pattern also tests the field with
/// `NOT EXISTS` or `IS NULL`.
pub fn ne_on_optional(ast: &Ast, exempt: &[String]) -> Vec<PatternFinding> {
    let Ast::Json(j) = ast else { return Vec::new() };
    let leaves = j.expr.leaves();
    let mut out = Vec::new();
    for c in &leaves {
        let Test::Compare { op: CmpOp::Ne, .. } = c.test else {
            continue;
        };
        let path = field_path(&c.selector.steps);
        if exempt.contains(&path) {
            continue;
        }
        let Some(optional) = cloudtrail_optional_prefix(&path) else {
            continue;
        };
        let message = match absent_field_miss(ast, c.span) {
            AbsentMiss::NotMissed => continue,
            AbsentMiss::Missed(event) => format!(
                "`!=` never matches events without `{optional}`, which CloudTrail does not write in every record: this pattern does not match {event}"
            ),
            AbsentMiss::Unknown => {
                let handled = leaves.iter().any(|o| {
                    matches!(o.test, Test::NotExists { .. } | Test::IsNull { .. })
                        && field_path(&o.selector.steps).starts_with(optional)
                });
                if handled {
                    continue;
                }
                format!(
                    "`!=` never matches events without `{optional}`, which CloudTrail does not write in every record"
                )
            }
        };
        let sel = selector_text(&c.selector.steps);
        out.push(PatternFinding {
            rule: Rule::NeOnOptionalField,
            span: c.span,
            message,
            help: Some(format!(
                "if events without the field should match too, write `({} || {sel} NOT EXISTS)`",
                pattern_slice_hint(c)
            )),
            related: Vec::new(),
        });
    }
    out
}

/// What the semantic comparison finds in a JSON pattern's parts
/// (`crate::semantics::parts`): a pattern that matches no event at all and
/// `||` alternatives that never hold ([`Rule::NeverMatches`], only where
/// `syntactic` — the findings of [`never_matches`] — has none that explains
/// them), and conditions or alternatives the pattern matches the same
/// events without ([`Rule::RedundantTerm`]). Nothing is reported for a
/// part that is not decided within the comparison's work bound. Each part
/// costs a comparison: the linter runs this only for filters that do not
/// pass their CIS control.
pub fn semantic_parts(ast: &Ast, syntactic: &[PatternFinding]) -> Vec<PatternFinding> {
    let explained = |span: Span| {
        syntactic.iter().any(|f| {
            f.rule == Rule::NeverMatches && f.span.start >= span.start && f.span.end <= span.end
        })
    };
    let mut out = Vec::new();
    for part in dead_and_redundant(ast) {
        let (rule, message, help) = match part.kind {
            PartKind::PatternNeverMatches => {
                if !syntactic.is_empty() {
                    continue;
                }
                (
                    Rule::NeverMatches,
                    "no log event can match this pattern: its conditions cannot all hold at once",
                    "check the values and ranges the conditions require; `cis-filters compare` with the intended pattern shows the events this one misses",
                )
            }
            PartKind::NeverHolds => {
                if explained(part.span) {
                    continue;
                }
                (
                    Rule::NeverMatches,
                    "this `||` alternative can never hold, so it adds no match",
                    "fix its conditions, or remove it",
                )
            }
            PartKind::RedundantAlternative => (
                Rule::RedundantTerm,
                "this `||` alternative is redundant: the other alternatives match every event it matches",
                "remove it: the pattern matches the same events without it",
            ),
            PartKind::RedundantCondition => (
                Rule::RedundantTerm,
                "this condition is redundant: the rest of the pattern implies it",
                "remove it: the pattern matches the same events without it",
            ),
        };
        out.push(PatternFinding {
            rule,
            span: part.span,
            message: message.to_owned(),
            help: Some(help.to_owned()),
            related: Vec::new(),
        });
    }
    out
}

/// The field paths a pattern tests with `!=` (for [`ne_on_optional`]'s exemptions).
pub fn ne_paths(ast: &Ast) -> Vec<String> {
    let Ast::Json(j) = ast else { return Vec::new() };
    j.expr
        .leaves()
        .into_iter()
        .filter(|c| matches!(c.test, Test::Compare { op: CmpOp::Ne, .. }))
        .map(|c| field_path(&c.selector.steps))
        .collect()
}

fn pattern_slice_hint(c: &Condition) -> String {
    match &c.test {
        Test::Compare { value, .. } => format!(
            "{} != {}",
            selector_text(&c.selector.steps),
            match &value.kind {
                crate::pattern::ast::ValueKind::Quoted(q) => format!("\"{q}\""),
                crate::pattern::ast::ValueKind::Bare(b) => b.clone(),
                crate::pattern::ast::ValueKind::Regex(r) => format!("%{r}%"),
            }
        ),
        _ => selector_text(&c.selector.steps),
    }
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

/// `a.b.c` for a selector of plain field steps (others written as in the pattern).
fn field_path(steps: &[crate::pattern::ast::Step]) -> String {
    let mut s = String::new();
    for (i, st) in steps.iter().enumerate() {
        match &st.kind {
            StepKind::Field(n) | StepKind::Key(n) => {
                if i > 0 {
                    s.push('.');
                }
                s.push_str(n);
            }
            StepKind::Index(n) => s.push_str(&format!("[{n}]")),
            StepKind::AnyIndex => s.push_str("[*]"),
            StepKind::AnyField => s.push_str(".*"),
        }
    }
    s
}

fn selector_text(steps: &[crate::pattern::ast::Step]) -> String {
    format!("$.{}", field_path(steps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::parse;

    fn never(p: &str) -> Vec<String> {
        never_matches(&parse(p).unwrap())
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn codes_and_names_are_unique_and_found() {
        let mut codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
        for r in Rule::ALL {
            assert_eq!(Rule::from_code(r.code()), Some(*r));
            assert_eq!(Rule::from_code(&r.name().to_uppercase()), Some(*r));
            assert!(r.summary().ends_with('.'));
        }
        assert_eq!(Rule::from_code("CF9999"), None);
    }

    #[test]
    fn contradictions_in_conjunctions() {
        assert_eq!(
            never(r#"{ $.eventName = "A" && ($.eventName = B) }"#),
            vec!["`$.eventName` cannot equal both `\"A\"` and `\"B\"`, so this `&&` never matches"]
        );
        assert_eq!(never("{ $.a = 1 && $.a = 1.0 }"), Vec::<String>::new());
        assert_eq!(never("{ $.a = 1 && $.a = 2 }").len(), 1);
        assert_eq!(
            never("{ $.a = x && $.a != x }"),
            vec!["`$.a` cannot both equal and not equal `\"x\"`, so this `&&` never matches"]
        );
        assert_eq!(never("{ $.a = x && $.a NOT EXISTS }").len(), 1);
        assert_eq!(never("{ $.a IS TRUE && $.a IS FALSE }").len(), 1);
        // Alternatives, wildcards, regexes and different selectors are fine.
        assert!(never("{ $.a = x || $.a = y }").is_empty());
        assert!(never("{ $.a = x* && $.a = y }").is_empty());
        assert!(never("{ $.a[*] = x && $.a[*] = y }").is_empty());
        assert!(never("{ $.a = x && $.b = y }").is_empty());
        assert!(never("{ $.a = 1 && $.a = \"1\" }").is_empty());
        // A dead branch inside an `||` is found too.
        assert_eq!(never("{ ($.a = x && $.a = y) || $.b = z }").len(), 1);
        // Space-delimited fields.
        assert_eq!(
            never("[ip, user, status = 200 && status = 404]"),
            vec!["field `status` cannot equal both `200` and `404`, so this `&&` never matches"]
        );
        assert!(never("[ip, user, status = 200 || status = 404]").is_empty());
    }

    #[test]
    fn one_finding_per_chain_with_every_value() {
        let p = "{ ($.eventName = A) && ($.eventName = B) && ($.eventName = C) && ($.eventName = D) && ($.eventName = E) && ($.eventName = F) }";
        let f = never_matches(&parse(p).unwrap());
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            f[0].message,
            "`$.eventName` cannot equal `\"A\"`, `\"B\"`, `\"C\"`, `\"D\"`, `\"E\"` and `\"F\"` at once, so this `&&` never matches"
        );
        // The span covers the six conditions; each is a related span.
        assert_eq!(&p[f[0].span.range()], &p[3..p.len() - 3]);
        let related: Vec<&str> = f[0].related.iter().map(|(s, _)| &p[s.range()]).collect();
        assert_eq!(
            related,
            [
                "$.eventName = A",
                "$.eventName = B",
                "$.eventName = C",
                "$.eventName = D",
                "$.eventName = E",
                "$.eventName = F"
            ]
        );
        assert_eq!(f[0].related[0].1, "`$.eventName = \"A\"`");
        assert!(f[0].help.as_deref().unwrap().contains("any value"));
        // A condition that contradicts nothing is not named; mixed tests are
        // listed as tests; a second selector is named in the same finding.
        let p =
            "{ $.s = kms && $.a = x && $.a != x && $.a NOT EXISTS && $.b IS TRUE && $.b IS FALSE }";
        let f = never_matches(&parse(p).unwrap());
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            f[0].message,
            "`$.a` cannot meet `= \"x\"`, `!= \"x\"` and `NOT EXISTS` at once, and `$.b` cannot be both true and false, so this `&&` never matches"
        );
        assert_eq!(f[0].related.len(), 5);
        assert!(!p[f[0].span.range()].contains("kms"));
        // Two chains in two `||` branches: two findings.
        assert_eq!(
            never("{ ($.a = 1 && $.a = 2 && $.a = 3) || ($.b = 1 && $.b = 2) }").len(),
            2
        );
        // The same value twice is no contradiction; a third value is.
        assert_eq!(
            never("{ $.a = x && $.a = x && $.a = y }"),
            vec!["`$.a` cannot equal both `\"x\"` and `\"y\"`, so this `&&` never matches"]
        );
    }

    #[test]
    fn ne_on_optional_fields() {
        let f = ne_on_optional(&parse(r#"{ $.errorCode != "AccessDenied" }"#).unwrap(), &[]);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`errorCode`"), "{}", f[0].message);
        assert!(
            f[0].help
                .as_deref()
                .unwrap()
                .contains("$.errorCode NOT EXISTS")
        );
        assert!(
            ne_on_optional(
                &parse(r#"{ $.eventType != "AwsServiceEvent" }"#).unwrap(),
                &[]
            )
            .is_empty()
        );
        assert!(
            ne_on_optional(
                &parse(r#"{ $.errorCode != "X" || $.errorCode NOT EXISTS }"#).unwrap(),
                &[]
            )
            .is_empty()
        );
        let mfa = parse(r#"{ $.additionalEventData.MFAUsed != "Yes" }"#).unwrap();
        assert_eq!(ne_on_optional(&mfa, &[]).len(), 1);
        assert!(ne_on_optional(&mfa, &ne_paths(&mfa)).is_empty());
    }

    /// The warning carries an event without the field that the pattern
    /// misses, and the matcher confirms it; a `!=` whose field another
    /// condition needs anyway misses nothing; `userIdentity.type` is not in
    /// every record; fields of other logs are not judged.
    #[test]
    fn ne_on_optional_fields_with_the_missed_event() {
        use crate::matcher::Matcher;
        let p = r#"{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }"#;
        let f = ne_on_optional(&parse(p).unwrap(), &[]);
        assert_eq!(f.len(), 1);
        let event = f[0]
            .message
            .split_once("this pattern does not match ")
            .map(|(_, e)| e)
            .unwrap();
        assert_eq!(event, r#"{"eventName":"ConsoleLogin"}"#);
        assert!(!Matcher::new(p).unwrap().matches(event));
        let wide = r#"{ $.eventName = "ConsoleLogin" && ($.additionalEventData.MFAUsed != "Yes" || $.additionalEventData.MFAUsed NOT EXISTS) }"#;
        assert!(Matcher::new(wide).unwrap().matches(event));
        // `$.errorCode = "Access*"` needs the field: the `!=` misses nothing.
        let needs = r#"{ $.errorCode != "AccessDenied" && $.errorCode = "Access*" }"#;
        assert!(ne_on_optional(&parse(needs).unwrap(), &[]).is_empty());
        let f = ne_on_optional(&parse(r#"{ $.userIdentity.type != "Root" }"#).unwrap(), &[]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("`userIdentity.type`"),
            "{}",
            f[0].message
        );
        assert!(ne_on_optional(&parse(r#"{ $.level != "DEBUG" }"#).unwrap(), &[]).is_empty());
    }

    fn parts(p: &str) -> Vec<(Rule, String)> {
        let ast = parse(p).unwrap();
        semantic_parts(&ast, &never_matches(&ast))
            .into_iter()
            .map(|f| (f.rule, p.get(f.span.range()).unwrap().to_owned()))
            .collect()
    }

    /// CF0300 beyond two exact values: empty ranges, wildcards that share
    /// no text, a pattern dead through its `||` structure; and a dead
    /// alternative the `&&` check already explains is not reported twice.
    #[test]
    fn never_matches_generalised() {
        let whole = |p: &str| vec![(Rule::NeverMatches, p.to_owned())];
        for p in [
            r#"{ $.n > 5 && $.n < 3 }"#,
            r#"{ $.a = "x*" && $.a = "y*" }"#,
            r#"{ ($.a = 1 || $.a = 2) && $.a = 3 }"#,
        ] {
            assert!(never(p).is_empty(), "{p}");
            assert_eq!(parts(p), whole(p), "{p}");
        }
        assert_eq!(
            parts(r#"{ $.e = "A" || ($.n > 5 && $.n < 3) }"#),
            vec![(Rule::NeverMatches, "($.n > 5 && $.n < 3)".to_owned())]
        );
        for p in [
            r#"{ $.e = "A" && $.e = "B" }"#,
            r#"{ $.x = 1 || ($.e = "A" && $.e = "B") }"#,
        ] {
            assert_eq!(never(p).len(), 1, "{p}");
            assert!(parts(p).is_empty(), "{p}");
        }
    }

    #[test]
    fn redundant_terms() {
        assert_eq!(
            parts(r#"{ $.a = "x" || $.a = "x*" }"#),
            vec![(Rule::RedundantTerm, r#"$.a = "x""#.to_owned())]
        );
        assert_eq!(
            parts(r#"{ $.n > 5 && $.n > 3 }"#),
            vec![(Rule::RedundantTerm, "$.n > 3".to_owned())]
        );
        assert!(parts(r#"{ $.a = "x" || $.a = "y*" }"#).is_empty());
    }

    /// No canonical pattern of any benchmark has a part the semantic checks
    /// report.
    #[test]
    fn canonical_patterns_are_clean() {
        for b in crate::cis::BENCHMARKS {
            for row in b.rows {
                for form in row.canonical {
                    assert!(parts(form).is_empty(), "{} {}: {form}", b.name, row.control);
                }
            }
        }
    }
}
