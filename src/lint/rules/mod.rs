//! The lint rules: stable codes, names, levels and documentation (this
//! file's table), and the checks on a parsed pattern that do not depend on
//! CIS, one file per check: contradictory `&&` chains
//! ([`contradiction`]), `!=` on an optional CloudTrail field
//! ([`optional`]), and dead or redundant parts found by the semantic
//! comparison ([`semantic`]).

mod contradiction;
mod optional;
mod semantic;

use serde::Serialize;

use crate::pattern::ast::{Span, Step};
use crate::pattern::normal::{KeyStyle, write_selector_as};

pub use contradiction::{ChainCondition, Contradiction, contradictions, never_matches};
pub use optional::{ne_on_optional, ne_paths};
pub use semantic::semantic_parts;

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

/// A selector as the linter's messages write it: `$.a.b`, a bracket key
/// written as a dotted step ([`KeyStyle::Dotted`]).
fn selector_text(steps: &[Step]) -> String {
    let mut s = String::new();
    let _ = write_selector_as(&mut s, steps.iter().map(|s| &s.kind), KeyStyle::Dotted);
    s
}

/// The field path of a selector without `$.` (`a.b[0]`), as CloudTrail's
/// field lookups take it.
fn field_path(steps: &[Step]) -> String {
    let s = selector_text(steps);
    let s = s.strip_prefix('$').unwrap_or(&s);
    s.strip_prefix('.').unwrap_or(s).to_owned()
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
