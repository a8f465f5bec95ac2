//! The lint rules: stable codes, names, levels and documentation, and the
//! checks on a parsed pattern that do not depend on CIS.

use serde::Serialize;

use crate::pattern::ast::{Ast, CmpOp, Condition, Expr, FieldCond, Span, StepKind, Test};
use crate::pattern::normal::{NValue, norm_value};

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
    /// A conjunction that can never be true.
    NeverMatches,
    /// `!=` on a field many events do not have.
    NeOnOptionalField,
    /// A metric filter whose metric no alarm in the same files watches.
    NoAlarm,
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
    ];

    /// The stable code (`CF0100`).
    pub fn code(self) -> &'static str {
        match self {
            Rule::FileError => "CF0001",
            Rule::Unresolved => "CF0002",
            Rule::PatternSyntax => "CF0100",
            Rule::CisNonconforming => "CF0200",
            Rule::CisEquivalent => "CF0201",
            Rule::CisMissing => "CF0202",
            Rule::NeverMatches => "CF0300",
            Rule::NeOnOptionalField => "CF0301",
            Rule::NoAlarm => "CF0302",
        }
    }

    /// The readable name (`pattern-syntax`).
    pub fn name(self) -> &'static str {
        match self {
            Rule::FileError => "file-error",
            Rule::Unresolved => "unresolved-pattern",
            Rule::PatternSyntax => "pattern-syntax",
            Rule::CisNonconforming => "cis-nonconforming",
            Rule::CisEquivalent => "cis-equivalent",
            Rule::CisMissing => "cis-missing",
            Rule::NeverMatches => "never-matches",
            Rule::NeOnOptionalField => "ne-on-optional-field",
            Rule::NoAlarm => "no-alarm",
        }
    }

    /// The level its diagnostics have.
    pub fn level(self) -> Level {
        match self {
            Rule::FileError | Rule::PatternSyntax | Rule::CisNonconforming | Rule::CisMissing => {
                Level::Error
            }
            Rule::NeverMatches | Rule::NeOnOptionalField | Rule::NoAlarm => Level::Warning,
            Rule::Unresolved | Rule::CisEquivalent => Level::Info,
        }
    }

    /// One sentence.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::FileError => {
                "The file cannot be read, is not UTF-8, or is not valid Terraform, YAML or JSON."
            }
            Rule::Unresolved => {
                "The filter pattern is not known without running Terraform or CloudFormation, so it was not checked."
            }
            Rule::PatternSyntax => {
                "The filter pattern does not parse; CloudWatch Logs would reject it."
            }
            Rule::CisNonconforming => {
                "The filter is meant for a CIS control but its pattern does not pass the benchmark's check."
            }
            Rule::CisEquivalent => {
                "The filter is logically the CIS pattern but not written token for token the same; Security Hub's near-literal comparison may still fail it."
            }
            Rule::CisMissing => {
                "A control required with --require has no passing metric filter in the linted files."
            }
            Rule::NeverMatches => {
                "The pattern requires one field to have two different values at once, so it can never match."
            }
            Rule::NeOnOptionalField => {
                "`!=` on a field that many events do not have: events without the field never match."
            }
            Rule::NoAlarm => {
                "The metric filter publishes a metric that no alarm in the same files watches."
            }
        }
    }

    /// Look a rule up by code or name (case-insensitive).
    pub fn from_code(s: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(s) || r.name().eq_ignore_ascii_case(s))
    }
}

/// Top-level CloudTrail record fields (and `userIdentity` fields) that many
/// events do not have. A `!=` on them is false for every event without the
/// field.
pub const OPTIONAL_FIELDS: &[&str] = &[
    "errorCode",
    "errorMessage",
    "additionalEventData",
    "requestParameters",
    "responseElements",
    "serviceEventDetails",
    "resources",
    "sharedEventID",
    "vpcEndpointId",
    "tlsDetails",
    "addendum",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails",
    "insightDetails",
    "apiVersion",
    "userIdentity.invokedBy",
    "userIdentity.sessionContext",
    "userIdentity.userName",
    "userIdentity.accessKeyId",
];

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

/// The `&&` conjunctions that can never be true in a pattern.
pub fn never_matches(ast: &Ast) -> Vec<PatternFinding> {
    let mut out = Vec::new();
    match ast {
        Ast::Json(j) => conjunctions(&j.expr, &mut |leaves: &[&Condition]| {
            for (i, b) in leaves.iter().enumerate() {
                for a in leaves.iter().take(i) {
                    if a.selector.wildcard_count() > 0 || !same_selector(a, b) {
                        continue;
                    }
                    if let Some(why) = contradiction(&a.test, &b.test) {
                        let sel = selector_text(&a.selector.steps);
                        out.push(PatternFinding {
                            rule: Rule::NeverMatches,
                            span: b.span,
                            message: format!("`{sel}` {why}, so this `&&` never matches"),
                            help: Some(format!(
                                "to match either value, join the conditions on `{sel}` with `||`"
                            )),
                            related: vec![(a.span, String::from("the other condition"))],
                        });
                    }
                }
            }
        }),
        Ast::Delimited(d) => {
            for field in &d.fields {
                if let crate::pattern::ast::Field::Cond(expr) = field {
                    conjunctions(expr, &mut |leaves: &[&FieldCond]| {
                        for (i, b) in leaves.iter().enumerate() {
                            for a in leaves.iter().take(i) {
                                let (ta, tb) = (
                                    Test::Compare {
                                        op: a.op,
                                        op_span: a.op_span,
                                        value: a.value.clone(),
                                    },
                                    Test::Compare {
                                        op: b.op,
                                        op_span: b.op_span,
                                        value: b.value.clone(),
                                    },
                                );
                                if a.name.name == b.name.name
                                    && let Some(why) = contradiction(&ta, &tb)
                                {
                                    out.push(PatternFinding {
                                        rule: Rule::NeverMatches,
                                        span: b.span,
                                        message: format!(
                                            "field `{}` {why}, so this `&&` never matches",
                                            a.name.name
                                        ),
                                        help: Some(String::from(
                                            "to match either value, join the conditions with `||`",
                                        )),
                                        related: vec![(
                                            a.span,
                                            String::from("the other condition"),
                                        )],
                                    });
                                }
                            }
                        }
                    });
                }
            }
        }
        _ => {}
    }
    out
}

/// `!=` conditions on fields from [`OPTIONAL_FIELDS`], unless the pattern
/// also tests the field with `NOT EXISTS` or `IS NULL`, or the field is in
/// `exempt` (the `!=` fields of the CIS pattern the filter is meant to
/// follow: the benchmark prescribes them, so they are not the author's slip).
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
        let Some(optional) = OPTIONAL_FIELDS
            .iter()
            .find(|f| path == **f || path.starts_with(&format!("{f}.")))
        else {
            continue;
        };
        let handled = leaves.iter().any(|o| {
            matches!(o.test, Test::NotExists { .. } | Test::IsNull { .. })
                && field_path(&o.selector.steps).starts_with(optional)
        });
        if handled {
            continue;
        }
        let sel = selector_text(&c.selector.steps);
        out.push(PatternFinding {
            rule: Rule::NeOnOptionalField,
            span: c.span,
            message: format!(
                "`!=` never matches events without `{}`, and many events do not have it",
                optional
            ),
            help: Some(format!(
                "if events without the field should match too, write `({} || {sel} NOT EXISTS)`",
                pattern_slice_hint(c)
            )),
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

fn same_selector(a: &Condition, b: &Condition) -> bool {
    a.selector.steps.len() == b.selector.steps.len()
        && a.selector
            .steps
            .iter()
            .zip(&b.selector.steps)
            .all(|(x, y)| x.kind == y.kind)
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
        assert_eq!(never("{ $.a = x && $.a != x }").len(), 1);
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
        assert_eq!(never("[ip, user, status = 200 && status = 404]").len(), 1);
        assert!(never("[ip, user, status = 200 || status = 404]").is_empty());
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
}
