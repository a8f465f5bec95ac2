//! Verdicts: how a filter pattern compares with a control's canonical
//! pattern(s) in a benchmark.
//!
//! - [`Verdict::Exact`]: the same tokens as an accepted canonical form,
//!   whitespace outside quotes aside ([`crate::pattern::lexical_eq`]); this
//!   is what Security Hub accepts.
//! - [`Verdict::Equivalent`]: the same [`Normal`](crate::pattern::Normal)
//!   form — parentheses, operand order or optional quotes differ.
//!   Logically identical, but Security Hub's near-literal comparison may
//!   still reject it.
//! - [`Verdict::Different`]: explained term by term ([`Difference`]):
//!   missing and extra conditions, changed values or operators on the same
//!   selector, and structural changes (`&&` where `||` belongs, grouping).
//! - [`Verdict::Invalid`]: the pattern does not parse.
//!
//! Without a control, [`classify`] finds the closest control(s) by shared
//! conditions and gives the verdict against the best one.
//!
//! Conditions in differences are printed in normal form (`$.eventName =
//! "CreateTrail"`: text values always quoted, operands in sorted order), so
//! the same condition always reads the same whatever its spelling.

use std::fmt;
use std::hash::Hash;
use std::str::FromStr;

use serde::Serialize;
use serde::ser::SerializeStruct;

use crate::pattern::ParseError;

mod closeness;
mod compare;
mod differences;
mod forms;

pub use closeness::{classify, closeness};
pub use compare::compare;
pub use differences::term_diff;

/// Which verdicts pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// Only [`Verdict::Exact`] passes (Security Hub parity).
    Strict,
    /// [`Verdict::Exact`] and [`Verdict::Equivalent`] pass (the default).
    #[default]
    Normalized,
}

impl MatchMode {
    /// `strict` or `normalized`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::Strict => "strict",
            MatchMode::Normalized => "normalized",
        }
    }

    /// Whether a verdict passes in this mode.
    pub fn passes(self, verdict: Verdict) -> bool {
        match verdict {
            Verdict::Exact => true,
            Verdict::Equivalent => self == MatchMode::Normalized,
            Verdict::Different | Verdict::Invalid => false,
        }
    }
}

impl fmt::Display for MatchMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MatchMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Ok(MatchMode::Strict),
            "normalized" | "normalised" => Ok(MatchMode::Normalized),
            _ => Err(format!(
                "unknown match mode `{s}`: expected `strict` or `normalized`"
            )),
        }
    }
}

/// How a pattern compares with a canonical pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Same tokens as an accepted canonical form, whitespace aside.
    Exact,
    /// Same normal form: logically identical, spelled differently.
    Equivalent,
    /// Something else; see the differences.
    Different,
    /// The pattern does not parse.
    Invalid,
}

impl Verdict {
    /// `exact`, `equivalent`, `different` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::Equivalent => "equivalent",
            Verdict::Different => "different",
            Verdict::Invalid => "invalid",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A canonical condition the pattern lacks.
    Missing,
    /// A condition the canonical pattern does not have.
    Extra,
    /// The same selector with another value or operator.
    Changed,
    /// The same conditions combined differently: `&&` for `||`, grouping,
    /// or another kind of pattern altogether.
    Structure,
}

impl Change {
    /// `missing`, `extra`, `changed` or `structure`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Missing => "missing",
            Change::Extra => "extra",
            Change::Changed => "changed",
            Change::Structure => "structure",
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One term-level difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// What kind of difference.
    pub change: Change,
    /// The condition (missing, extra), the selector (changed) or what is
    /// structurally wrong (structure).
    pub term: String,
    /// What the canonical pattern has; `None` for extra terms.
    pub expected: Option<String>,
    /// What the pattern has; `None` for missing terms.
    pub found: Option<String>,
}

/// The result of comparing one pattern with one control.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The benchmark's name.
    pub benchmark: &'static str,
    /// The control, in the benchmark's numbering.
    pub control: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Whether the verdict passes in the requested [`MatchMode`].
    pub passes: bool,
    /// The canonical form compared with: the one matched, or the closest.
    pub canonical: String,
    /// Term-level differences (empty unless `different`).
    pub differences: Vec<Difference>,
    /// Advice: why an equivalent pattern may still fail Security Hub, an
    /// accepted variant, an `&&`/`||` precedence trap.
    pub note: Option<String>,
    /// The parse error when `invalid`.
    pub error: Option<ParseError>,
}

/// A parse error as it appears in JSON output.
#[derive(Serialize)]
struct ErrorJson<'a> {
    kind: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    start: usize,
    end: usize,
}

impl<'a> From<&'a ParseError> for ErrorJson<'a> {
    fn from(e: &'a ParseError) -> Self {
        ErrorJson {
            kind: e.kind().code(),
            message: e.message(),
            help: e.help(),
            start: e.span().start,
            end: e.span().end,
        }
    }
}

impl Serialize for Comparison {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Comparison", 8)?;
        st.serialize_field("benchmark", self.benchmark)?;
        st.serialize_field("control", &self.control)?;
        st.serialize_field("verdict", &self.verdict)?;
        st.serialize_field("passes", &self.passes)?;
        st.serialize_field("canonical", &self.canonical)?;
        st.serialize_field("differences", &self.differences)?;
        st.serialize_field("note", &self.note)?;
        st.serialize_field("error", &self.error.as_ref().map(ErrorJson::from))?;
        st.end()
    }
}

/// A control the pattern resembles, with how closely (0 to 1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// The control, in the benchmark's numbering.
    pub control: String,
    /// Shared conditions, weighted: 1 when the normal forms are equal.
    pub score: f64,
}

/// The closest control(s) to a pattern.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Classification {
    /// The verdict against the closest control; `None` when no control is
    /// close or the pattern does not parse.
    pub best: Option<Comparison>,
    /// Every close control, best first (ties in benchmark order).
    pub candidates: Vec<Candidate>,
}

/// The lowest score that counts as close. A condition that merely shares a
/// selector scores a quarter of a shared condition, so a pattern needs at
/// least one condition in common with a control to reach it.
pub const CLOSE_SCORE: f64 = 0.3;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cis::benchmarks::{
        BENCHMARKS, Benchmark, CIS_1_2, CIS_1_4, CIS_2_0, CIS_5_0, PatternRow, SECURITYHUB,
        benchmark,
    };
    use crate::pattern::ast::{Ast, Chain, Expr, JsonPattern};
    use crate::pattern::parse;
    use crate::pattern::print::{Token, tokens};
    use crate::pattern::print::{TokenKind, house};

    fn cmp(p: &str, b: &Benchmark, c: &str) -> Comparison {
        compare(p, b, c, MatchMode::Normalized).unwrap()
    }

    fn changes(c: &Comparison) -> Vec<(Change, &str)> {
        c.differences
            .iter()
            .map(|d| (d.change, d.term.as_str()))
            .collect()
    }

    #[test]
    fn every_canonical_string_is_exact_against_its_own_row() {
        for b in BENCHMARKS {
            for r in b.rows {
                for c in r.canonical {
                    let v = cmp(c, b, r.control);
                    assert_eq!(v.verdict, Verdict::Exact, "{} {}: {c}", b.name, r.control);
                    assert!(v.passes && v.differences.is_empty());
                    let strict = compare(c, b, r.control, MatchMode::Strict).unwrap();
                    assert!(strict.passes);
                }
            }
        }
    }

    #[test]
    fn classification_is_right_for_every_canonical_pattern() {
        for b in BENCHMARKS {
            for r in b.rows {
                for c in r.canonical {
                    let cl = classify(c, b, MatchMode::Normalized);
                    let best = cl.best.unwrap();
                    assert_eq!(best.verdict, Verdict::Exact, "{} {}", b.name, r.control);
                    // Rows that share the string (cis-1.2's 1.1 and 3.3) may win a tie.
                    let winner = b.row(&best.control).unwrap();
                    assert!(
                        winner.control == r.control || winner.canonical.contains(c),
                        "{} {}: classified as {}",
                        b.name,
                        r.control,
                        best.control
                    );
                    assert_eq!(cl.candidates.first().unwrap().score, 1.0);
                }
            }
        }
    }

    #[test]
    fn unrelated_and_invalid_patterns_classify_as_nothing() {
        for p in [
            "ERROR",
            "{ $.foo = 1 }",
            "{ $.eventName = Foo }",
            "[ip, user, ...]",
            "",
        ] {
            let cl = classify(p, &CIS_1_2, MatchMode::Normalized);
            assert!(cl.best.is_none() && cl.candidates.is_empty(), "{p}: {cl:?}");
        }
        let cl = classify("{ $.a = ", &CIS_1_2, MatchMode::Normalized);
        assert!(cl.best.is_none());
    }

    #[test]
    fn classification_of_near_misses() {
        let cl = classify(
            r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failedauthentication")}"#,
            &CIS_1_2,
            MatchMode::Normalized,
        );
        let best = cl.best.unwrap();
        assert_eq!(best.control, "3.6");
        assert_eq!(changes(&best), [(Change::Changed, "$.errorMessage")]);
        // One event name dropped from the VPC list.
        let p = crate::cis::benchmarks::CIS_1_2
            .row("3.14")
            .unwrap()
            .canonical[0]
            .replace(" || ($.eventName=EnableVpcClassicLink)", "");
        let cl = classify(&p, &CIS_1_2, MatchMode::Normalized);
        let best = cl.best.unwrap();
        assert_eq!(best.control, "3.14");
        assert_eq!(
            changes(&best),
            [(Change::Missing, r#"$.eventName = "EnableVpcClassicLink""#)]
        );
        assert!(cl.candidates.first().unwrap().score > 0.9);
    }

    #[test]
    fn changed_values_and_operators() {
        let v = cmp(
            r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failedauthentication")}"#,
            &CIS_1_2,
            "3.6",
        );
        assert_eq!(v.verdict, Verdict::Different);
        assert!(!v.passes);
        let d = v.differences.first().unwrap();
        assert_eq!(d.change, Change::Changed);
        assert_eq!(d.term, "$.errorMessage");
        assert_eq!(
            d.expected.as_deref(),
            Some(r#"$.errorMessage = "Failed authentication""#)
        );
        assert_eq!(
            d.found.as_deref(),
            Some(r#"$.errorMessage = "Failedauthentication""#)
        );
        let v = cmp(
            r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed = "No")}"#,
            &CIS_1_2,
            "3.2",
        );
        assert_eq!(
            changes(&v),
            [(Change::Changed, "$.additionalEventData.MFAUsed")]
        );
        let d = v.differences.first().unwrap();
        assert_eq!(
            d.expected.as_deref(),
            Some(r#"$.additionalEventData.MFAUsed != "Yes""#)
        );
        // Two spaces inside a quoted value are a different value.
        let v = cmp(
            r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed  authentication")}"#,
            &CIS_1_2,
            "CloudWatch.6",
        );
        assert_eq!(changes(&v), [(Change::Changed, "$.errorMessage")]);
    }

    #[test]
    fn cross_version_differences() {
        let v12 = |c: &str| CIS_1_2.row(c).unwrap().canonical[0];
        let row = |b: &Benchmark, c: &str| b.row(c).unwrap().canonical[0];
        // CIS 2.0's 4.1 against CIS 1.2's 3.1: the two exclusions are extra.
        let v = cmp(row(&CIS_2_0, "4.1"), &CIS_1_2, "3.1");
        assert_eq!(
            changes(&v),
            [
                (Change::Extra, r#"$.eventName != "HeadBucket""#),
                (
                    Change::Extra,
                    r#"$.sourceIPAddress != "delivery.logs.amazonaws.com""#
                ),
            ]
        );
        assert!(v.note.unwrap().contains("binds tighter"));
        // And the reverse: missing.
        let v = cmp(v12("3.1"), &CIS_2_0, "4.1");
        assert_eq!(v.differences.len(), 2);
        assert!(v.differences.iter().all(|d| d.change == Change::Missing));
        // CIS 1.4's all-`||` form against CIS 2.0's `A || B && C && D`.
        let v = cmp(row(&CIS_1_4, "4.1"), &CIS_2_0, "4.1");
        assert_eq!(
            changes(&v),
            [(Change::Structure, "`||` where `&&` belongs")]
        );
        // The parenthesised form against CIS 2.0: a different grouping.
        let nozaq = r#"{(($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}"#;
        let v = cmp(nozaq, &CIS_2_0, "4.1");
        assert_eq!(changes(&v), [(Change::Structure, "grouping")]);
        let d = v.differences.first().unwrap();
        assert!(d.expected.as_deref().unwrap().contains("|| ("), "{d:?}");
        // CIS 5.0 adds ModifySecurityGroupRules to 4.10.
        let v = cmp(v12("3.10"), &CIS_5_0, "4.10");
        assert_eq!(
            changes(&v),
            [(
                Change::Missing,
                r#"$.eventName = "ModifySecurityGroupRules""#
            )]
        );
        // The four-term MFA form against CIS 1.2's two terms: two extra terms.
        let v = cmp(row(&SECURITYHUB, "CloudWatch.3"), &CIS_1_2, "3.2");
        assert_eq!(v.differences.len(), 2);
        assert!(v.differences.iter().all(|d| d.change == Change::Extra));
        // Security Hub accepts the two-term form as a variant, with a note.
        let v = cmp(v12("3.2"), &SECURITYHUB, "CloudWatch.3");
        assert_eq!(v.verdict, Verdict::Exact);
        assert!(v.note.unwrap().contains("accepted variant"));
        // The eventSource-scoped route-table form: one extra term for CIS 1.2.
        let v = cmp(
            SECURITYHUB.row("CloudWatch.13").unwrap().canonical[1],
            &CIS_1_2,
            "3.13",
        );
        assert_eq!(
            changes(&v),
            [(Change::Extra, r#"$.eventSource = "ec2.amazonaws.com""#)]
        );
        // The v1.2 route-table form passes CIS 3.0 (Prowler requires eventSource).
        let v = cmp(v12("3.13"), benchmark("cis-3.0").unwrap(), "4.13");
        assert_eq!(v.verdict, Verdict::Exact);
    }

    #[test]
    fn invalid_patterns_carry_the_parse_error() {
        let v = cmp(
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedByNOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            &CIS_1_2,
            "3.3",
        );
        assert_eq!(v.verdict, Verdict::Invalid);
        assert!(!v.passes);
        assert_eq!(v.error.unwrap().kind().code(), "glued_keyword");
        let json = serde_json::to_value(cmp("{", &CIS_1_2, "3.3")).unwrap();
        assert_eq!(json["verdict"], "invalid");
        assert!(json["error"]["kind"].is_string());
    }

    #[test]
    fn other_kinds_of_pattern_are_a_structure_difference() {
        let v = cmp("ConsoleLogin", &CIS_1_2, "3.6");
        assert_eq!(changes(&v), [(Change::Structure, "pattern type")]);
        assert_eq!(cmp("", &CIS_1_2, "3.6").verdict, Verdict::Different);
    }

    #[test]
    fn unknown_controls_give_none() {
        assert!(compare("{ $.a = 1 }", &CIS_1_2, "4.1", MatchMode::Strict).is_none());
        assert!(compare("{ $.a = 1 }", &CIS_1_4, "3.1", MatchMode::Strict).is_none());
    }

    #[test]
    fn match_modes() {
        assert_eq!("strict".parse(), Ok(MatchMode::Strict));
        assert_eq!("Normalized".parse(), Ok(MatchMode::Normalized));
        assert!("loose".parse::<MatchMode>().is_err());
        assert_eq!(MatchMode::default(), MatchMode::Normalized);
        assert_eq!(MatchMode::Strict.to_string(), "strict");
    }

    // --- The peers' acceptance matrix (reference peers.md §2), for every
    // Security Hub pattern of CIS v1.2.0.

    fn rebuild(text: &str, join: &dyn Fn(&[Token]) -> String) -> String {
        join(&tokens(&parse(text).unwrap()))
    }

    fn wordy(t: &Token) -> bool {
        matches!(
            t.kind,
            TokenKind::Selector | TokenKind::Keyword | TokenKind::Value
        )
    }

    /// Tokens with no whitespace except where two words would merge.
    fn tight(ts: &[Token]) -> String {
        let mut out = String::new();
        let mut prev: Option<&Token> = None;
        for t in ts {
            if prev.is_some_and(|p| wordy(p) && wordy(t)) {
                out.push(' ');
            }
            out.push_str(&t.text);
            prev = Some(t);
        }
        out
    }

    fn spaced(ts: &[Token]) -> String {
        ts.iter().map(|t| &*t.text).collect::<Vec<_>>().join(" ")
    }

    fn newlines(ts: &[Token]) -> String {
        ts.iter()
            .map(|t| {
                if t.kind == TokenKind::Logic {
                    format!("{}\n", t.text)
                } else {
                    t.text.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn quoted(ts: &[Token]) -> String {
        let q: Vec<Token> = ts
            .iter()
            .map(|t| {
                let mut t = t.clone();
                if t.kind == TokenKind::Value && !t.text.starts_with(['"', '%']) {
                    t.text = format!("\"{}\"", t.text).into();
                }
                t
            })
            .collect();
        spaced(&q)
    }

    fn swapped_ops(ts: &[Token]) -> String {
        let q: Vec<Token> = ts
            .iter()
            .map(|t| {
                let mut t = t.clone();
                if t.kind == TokenKind::Logic {
                    t.text = if t.text == "&&" { "||" } else { "&&" }.into();
                }
                t
            })
            .collect();
        spaced(&q)
    }

    fn reverse_expr<C>(e: &mut Expr<C>) {
        match e {
            Expr::Or(Chain { operands, .. }) | Expr::And(Chain { operands, .. }) => {
                operands.reverse();
                operands.iter_mut().for_each(reverse_expr);
            }
            Expr::Paren(p) => reverse_expr(&mut p.inner),
            Expr::Leaf(_) => {}
        }
    }

    fn reversed(text: &str) -> String {
        let mut ast = parse(text).unwrap();
        if let Ast::Json(JsonPattern { expr, .. }) = &mut ast {
            reverse_expr(expr);
        }
        house(&ast)
    }

    fn extra_term(text: &str) -> String {
        let body = text.trim_end().strip_suffix('}').unwrap();
        format!("{body} || ($.eventName = Foo)}}")
    }

    #[test]
    fn peers_acceptance_matrix() {
        for r in CIS_1_2.rows {
            let sh = r.canonical[0];
            let id = r.control;
            let verdict = |p: &str| cmp(p, &CIS_1_2, id).verdict;
            assert_eq!(verdict(sh), Verdict::Exact, "{id}");
            assert_eq!(
                verdict(&rebuild(sh, &spaced)),
                Verdict::Exact,
                "{id} spaced"
            );
            assert_eq!(verdict(&rebuild(sh, &tight)), Verdict::Exact, "{id} tight");
            assert_eq!(
                verdict(&rebuild(sh, &newlines)),
                Verdict::Exact,
                "{id} newlines"
            );
            assert_eq!(
                verdict(&house(&parse(sh).unwrap())),
                Verdict::Exact,
                "{id} house"
            );
            // Quoting bare values changes tokens but not meaning.
            let q = rebuild(sh, &quoted);
            let want = if tokens(&parse(&q).unwrap()) == tokens(&parse(sh).unwrap()) {
                Verdict::Exact
            } else {
                Verdict::Equivalent
            };
            let v = cmp(&q, &CIS_1_2, id);
            assert_eq!(v.verdict, want, "{id} quoted: {q}");
            if want == Verdict::Equivalent {
                assert!(v.passes);
                assert!(
                    v.note
                        .unwrap()
                        .contains("CLOUDTRAIL_METRIC_FILTER_NOT_VALID")
                );
                let strict = compare(&q, &CIS_1_2, id, MatchMode::Strict).unwrap();
                assert!(!strict.passes, "{id}: equivalent passes strict");
            }
            // Reversed operands: equivalent.
            let rev = reversed(sh);
            assert_eq!(verdict(&rev), Verdict::Equivalent, "{id} reversed: {rev}");
            // One extra term: different, naming it.
            let v = cmp(&extra_term(sh), &CIS_1_2, id);
            assert_eq!(
                changes(&v),
                [(Change::Extra, r#"$.eventName = "Foo""#)],
                "{id} extra"
            );
            // `&&` and `||` swapped: a structure difference, never a pass.
            let sw = rebuild(sh, &swapped_ops);
            let v = cmp(&sw, &CIS_1_2, id);
            assert_eq!(v.verdict, Verdict::Different, "{id} swapped: {sw}");
            assert!(
                v.differences.iter().all(|d| d.change == Change::Structure),
                "{id} swapped: {:?}",
                v.differences
            );
            assert!(!v.differences.is_empty());
        }
    }

    #[test]
    fn swapped_operators_are_named() {
        let v = cmp(
            "{($.eventSource=kms.amazonaws.com) || (($.eventName=DisableKey) && ($.eventName=ScheduleKeyDeletion))}",
            &CIS_1_2,
            "3.7",
        );
        assert_eq!(changes(&v), [(Change::Structure, "`&&` and `||` swapped")]);
        let v = cmp(
            "{($.eventName=CreateTrail) && ($.eventName=UpdateTrail) && ($.eventName=DeleteTrail) && ($.eventName=StartLogging) && ($.eventName=StopLogging)}",
            &CIS_1_2,
            "3.5",
        );
        assert_eq!(
            changes(&v),
            [(Change::Structure, "`&&` where `||` belongs")]
        );
        // `&&` spread over a group that should be `||`.
        let v = cmp(
            "{($.eventSource=kms.amazonaws.com) && ($.eventName=DisableKey) && ($.eventName=ScheduleKeyDeletion)}",
            &CIS_1_2,
            "3.7",
        );
        assert_eq!(
            changes(&v),
            [(Change::Structure, "`&&` where `||` belongs")]
        );
    }

    #[test]
    fn extra_parentheses_are_equivalent_not_exact() {
        let v = cmp(
            r#"{ (($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) }"#,
            &CIS_1_2,
            "3.1",
        );
        assert_eq!(v.verdict, Verdict::Equivalent);
        let v = cmp(
            r#"{ ($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") }"#,
            &CIS_1_2,
            "CloudWatch.2",
        );
        assert_eq!(v.verdict, Verdict::Exact);
    }

    /// A benchmark that is not built in: its rows are parsed on each call.
    static CUSTOM: Benchmark = Benchmark {
        name: "custom",
        title: "Custom",
        rows: &[PatternRow {
            control: "x.1",
            securityhub_id: None,
            check: "custom_trail_changes",
            title: "Trail changes",
            canonical: &[
                "{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }",
                "{ $.eventSource = cloudtrail.amazonaws.com }",
            ],
            source: "a test",
        }],
    };

    #[test]
    fn benchmarks_outside_the_cache_work_alike() {
        let v = cmp(
            "{($.eventName=CreateTrail)||($.eventName=DeleteTrail)}",
            &CUSTOM,
            "x.1",
        );
        assert_eq!(v.verdict, Verdict::Exact);
        let v = cmp(
            r#"{ $.eventSource = "cloudtrail.amazonaws.com" }"#,
            &CUSTOM,
            "x.1",
        );
        assert_eq!(v.verdict, Verdict::Equivalent);
        assert_eq!(v.canonical, "{ $.eventSource = cloudtrail.amazonaws.com }");
        assert!(
            v.note
                .unwrap()
                .contains("CLOUDTRAIL_METRIC_FILTER_NOT_VALID")
        );
        let v = cmp("{ ($.eventName = CreateTrail) }", &CUSTOM, "x.1");
        assert_eq!(
            changes(&v),
            [(Change::Missing, r#"$.eventName = "DeleteTrail""#)]
        );
        let cl = classify("{ $.eventName = DeleteTrail }", &CUSTOM, MatchMode::Strict);
        assert_eq!(cl.best.unwrap().control, "x.1");
        assert!(cl.candidates.first().unwrap().score > 0.6);
    }
}
