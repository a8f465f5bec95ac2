//! The semantic comparison of patterns (`cis_filters::semantics`):
//! property tests against brute force over a generated event universe, the
//! named cases of the CIS history, and the `compare` command.

use std::sync::OnceLock;

use proptest::prelude::*;

use cis_filters::cis::BENCHMARKS;
use cis_filters::matcher::Matcher;
use cis_filters::pattern::normalize;
use cis_filters::semantics::{Comparison, Relation, compare};

#[path = "../../fuzz/src/semantics.rs"]
mod fuzz_props;

// ---------------------------------------------------------------------------
// Brute force.

/// Which of (A only, B only, both) the events realize.
fn realized<'a>(ma: &Matcher, mb: &Matcher, events: impl Iterator<Item = &'a str>) -> [bool; 3] {
    let mut seen = [false; 3];
    for e in events {
        match (ma.matches(e), mb.matches(e)) {
            (true, false) => seen[0] = true,
            (false, true) => seen[1] = true,
            (true, true) => seen[2] = true,
            (false, false) => {}
        }
    }
    seen
}

/// The relation those realized combinations give.
fn relation_of(seen: [bool; 3]) -> Relation {
    let [ab, ba, both] = seen;
    let a_matches = ab || both;
    let b_matches = ba || both;
    if !a_matches || !b_matches {
        return Relation::Never;
    }
    match (ab, ba, both) {
        (false, false, _) => Relation::Equivalent,
        (false, true, _) => Relation::Narrower,
        (true, false, _) => Relation::Broader,
        (true, true, true) => Relation::Overlapping,
        (true, true, false) => Relation::Disjoint,
    }
}

/// Compare `a` and `b` and check the answer against brute force over
/// `universe` (plus the witnesses, which the matcher must confirm): every
/// combination an event realizes must be one the comparison found, and
/// the relation must be the one the events give.
fn agrees(a: &str, b: &str, universe: &[String]) -> Result<Comparison, TestCaseError> {
    let c = compare(a, b).map_err(|e| TestCaseError::fail(format!("{a} / {b}: {e}")))?;
    let (ma, mb) = (Matcher::new(a).unwrap(), Matcher::new(b).unwrap());
    for (w, want) in [
        (&c.only_a, (true, false)),
        (&c.only_b, (false, true)),
        (&c.both, (true, true)),
    ] {
        if let Some(w) = w {
            prop_assert_eq!(
                (ma.matches(w), mb.matches(w)),
                want,
                "{} / {} on {}",
                a,
                b,
                w
            );
        }
    }
    if let Some(r) = &c.reason {
        prop_assert!(!r.contains("internal"), "{a} / {b}: {r}");
    }
    let witnesses = [&c.only_a, &c.only_b, &c.both];
    let events = universe
        .iter()
        .map(String::as_str)
        .chain(witnesses.into_iter().flatten().map(String::as_str));
    let seen = realized(&ma, &mb, events);
    // Identical meanings whose emptiness is undecided are reported equivalent.
    let undecided_never = c.relation == Relation::Equivalent
        && c.a_matches_nothing.is_none()
        && relation_of(seen) == Relation::Never;
    if c.relation != Relation::Unknown && !undecided_never {
        prop_assert_eq!(
            relation_of(seen),
            c.relation,
            "{} / {}: events realize {:?}, comparison {:?}",
            a,
            b,
            seen,
            c
        );
    }
    // Swapping the patterns swaps the answer.
    let s = compare(b, a).unwrap();
    prop_assert_eq!(s.relation, c.relation.swapped(), "{} / {} swapped", a, b);
    Ok(c)
}

fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// JSON patterns.

const SELECTORS: &[&str] = &[
    "$.a",
    "$.a",
    "$.b",
    "$.c.d",
    "$.c",
    "$.arr[*]",
    "$.arr[0]",
    "$.arr[1]",
    "$.*",
    "$.arr[*].d",
];

const TESTS: &[&str] = &[
    "= \"x\"",
    "= x*",
    "= \"*y\"",
    "!= \"x\"",
    "= \"1\"",
    "= 1",
    "= 1.0",
    "!= 1",
    "> 0",
    "<= 1",
    "= *",
    "!= \"\"",
    "IS NULL",
    "IS TRUE",
    "IS FALSE",
    "NOT EXISTS",
    "= %^x%",
    "= \"1*\"",
];

fn json_cond() -> impl Strategy<Value = String> {
    (prop::sample::select(SELECTORS), prop::sample::select(TESTS))
        .prop_map(|(s, t)| format!("{s} {t}"))
}

fn json_expr() -> impl Strategy<Value = String> {
    json_cond().prop_recursive(3, 8, 3, |inner| {
        (prop::collection::vec(inner, 2..4), prop::bool::ANY)
            .prop_map(|(xs, and)| format!("({})", xs.join(if and { " && " } else { " || " })))
    })
}

fn json_pattern() -> impl Strategy<Value = String> {
    json_expr()
        .prop_map(|e| format!("{{ {e} }}"))
        .prop_filter("within the per-pattern quotas", |p| normalize(p).is_ok())
}

/// Every event over the fields `a`, `b`, `c` and `arr` with values of
/// every kind the tests tell apart, and a text that is not JSON.
fn json_universe() -> &'static [String] {
    static U: OnceLock<Vec<String>> = OnceLock::new();
    U.get_or_init(|| {
        let a = [
            "", "\"x\"", "\"xy\"", "\"y\"", "\"\"", "\"1\"", "1", "1.0", "-2", "null", "true", "[]",
        ];
        let b = ["", "\"x\"", "\"y\"", "1", "false"];
        let c = [
            "",
            "\"x\"",
            "{}",
            "{\"d\":\"x\"}",
            "{\"d\":1}",
            "{\"d\":null}",
        ];
        let arr = [
            "",
            "[]",
            "[\"x\"]",
            "[1]",
            "[\"y\",\"x\"]",
            "[\"x\",\"y\"]",
            "[null,\"x\",1]",
            "\"x\"",
            "[{\"d\":\"x\"}]",
        ];
        let mut out = vec!["x".to_owned()];
        for va in a {
            for vb in b {
                for vc in c {
                    for varr in arr {
                        let fields: Vec<String> = [("a", va), ("b", vb), ("c", vc), ("arr", varr)]
                            .iter()
                            .filter(|(_, v)| !v.is_empty())
                            .map(|(k, v)| format!("\"{k}\":{v}"))
                            .collect();
                        out.push(format!("{{{}}}", fields.join(",")));
                    }
                }
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(config(96))]

    /// The relation of two JSON patterns agrees with brute force.
    #[test]
    fn json_relations_agree_with_brute_force(a in json_pattern(), b in json_pattern()) {
        agrees(&a, &b, json_universe())?;
    }

    /// A pattern is equivalent to its normal form, and to itself with an
    /// impossible alternative added (a different normal form, so the
    /// search runs).
    #[test]
    fn json_pattern_and_rewritings_are_equivalent(a in json_pattern()) {
        let canonical = normalize(&a).unwrap().to_string();
        let c = agrees(&a, &canonical, json_universe())?;
        prop_assert!(matches!(c.relation, Relation::Equivalent | Relation::Never));
        let inner = a.trim_start_matches('{').trim_end_matches('}');
        let padded = format!("{{ ({inner}) || ($.zz = \"p\" && $.zz = \"q\") }}");
        prop_assume!(normalize(&padded).is_ok());
        let c = agrees(&a, &padded, json_universe())?;
        prop_assert!(
            matches!(c.relation, Relation::Equivalent | Relation::Never | Relation::Unknown),
            "{} vs {}: {:?}", a, padded, c
        );
        if c.relation == Relation::Never {
            prop_assert_eq!((c.a_matches_nothing, c.b_matches_nothing), (Some(true), Some(true)));
        }
    }
}

// ---------------------------------------------------------------------------
// Terms and regexes.

const WORDS: &[&str] = &["ERROR", "ERR", "RR", "DEBUG", "\"R D\"", "WARN", "x"];

fn term_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(
            (
                prop::sample::select(&["", "-", "?"][..]),
                prop::sample::select(WORDS)
            ),
            1..4
        )
        .prop_map(|ts| ts
            .iter()
            .map(|(p, w)| format!("{p}{w}"))
            .collect::<Vec<_>>()
            .join(" ")),
        prop::sample::select(&["%ERR%", "%^ERR%", "%R\\sD$%", "%^x$%", ""][..])
            .prop_map(str::to_owned),
    ]
}

fn text_universe() -> &'static [String] {
    static U: OnceLock<Vec<String>> = OnceLock::new();
    U.get_or_init(|| {
        let tokens = ["ERROR", "ERR", "R", "DEBUG", " ", "WARN", "x", "D"];
        let mut out: Vec<String> = tokens.iter().map(|t| (*t).to_owned()).collect();
        for a in tokens {
            for b in tokens {
                out.push(format!("{a}{b}"));
                for c in tokens {
                    out.push(format!("{a}{b}{c}"));
                }
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// Terms, regexes and the empty pattern agree with brute force.
    #[test]
    fn text_relations_agree_with_brute_force(a in term_pattern(), b in term_pattern()) {
        let c = agrees(&a, &b, text_universe())?;
        prop_assert_ne!(c.relation, Relation::Unknown, "{} / {}", a, b);
    }
}

// ---------------------------------------------------------------------------
// Space-delimited patterns.

fn delimited_pattern() -> impl Strategy<Value = String> {
    let slot = prop::sample::select(
        &[
            "f",
            "f = x",
            "f = x*",
            "f != x",
            "f = 404",
            "f > 400",
            "f = \"a b\"",
            "f = 4*",
            "f = 404 || f = x",
            "f = %^4%",
        ][..],
    );
    prop::collection::vec(slot, 1..4)
        .prop_map(|s| format!("[{}]", s.join(", ")))
        .prop_filter("within the per-pattern quotas", |p| normalize(p).is_ok())
}

fn delimited_universe() -> &'static [String] {
    static U: OnceLock<Vec<String>> = OnceLock::new();
    U.get_or_init(|| {
        let fields = [
            "x", "xy", "404", "+404", "401", "4", "500", "\"a b\"", "y", "404.0",
        ];
        let mut out: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        for a in fields {
            for b in fields {
                out.push(format!("{a} {b}"));
                for c in fields {
                    out.push(format!("{a} {b} {c}"));
                }
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// Space-delimited patterns without `...` agree with brute force.
    #[test]
    fn delimited_relations_agree_with_brute_force(a in delimited_pattern(), b in delimited_pattern()) {
        agrees(&a, &b, delimited_universe())?;
    }
}

// ---------------------------------------------------------------------------
// The CIS history.

/// Every distinct canonical pattern of every benchmark, grouped by control
/// (its Security Hub id, or its CIS number when it has none), each named by
/// the first benchmark and control that carries it.
fn cis_forms() -> Vec<(String, Vec<(String, String)>)> {
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for b in BENCHMARKS {
        for row in b.rows {
            let key = row.securityhub_id.unwrap_or(row.control).to_owned();
            let pos = match groups.iter().position(|(k, _)| *k == key) {
                Some(p) => p,
                None => {
                    groups.push((key, Vec::new()));
                    groups.len() - 1
                }
            };
            let forms = &mut groups[pos].1;
            for (i, p) in row.canonical.iter().enumerate() {
                if !forms.iter().any(|(_, t)| t == p) {
                    forms.push((
                        format!("{} {} form {}", b.name, row.control, i + 1),
                        (*p).to_owned(),
                    ));
                }
            }
        }
    }
    groups
}

/// Every pair of versions of every control across the benchmarks, with its
/// relation and witnesses: reviewed as a snapshot.
#[test]
fn every_pair_of_cis_versions() {
    let mut lines = Vec::new();
    for (key, forms) in cis_forms() {
        lines.push(format!("## {key}"));
        for (i, (na, a)) in forms.iter().enumerate() {
            for (nb, b) in forms.iter().skip(i + 1) {
                let c = compare(a, b).unwrap();
                assert_ne!(c.relation, Relation::Unknown, "{na} vs {nb}: {c:?}");
                lines.push(format!("{na}  vs  {nb}: {}", c.relation));
                for (label, w) in [("only A", &c.only_a), ("only B", &c.only_b)] {
                    if let Some(w) = w {
                        lines.push(format!("    {label}: {w}"));
                    }
                }
            }
        }
    }
    insta::assert_snapshot!("cis_version_pairs", lines.join("\n"));
}

/// The fuzz target's properties hold on every pair of canonical patterns of
/// one control, and on the patterns of the grammar corpus paired in order.
#[test]
fn fuzz_properties_on_cis_pairs_and_the_corpus() {
    for (_, forms) in cis_forms() {
        for (_, a) in &forms {
            for (_, b) in &forms {
                fuzz_props::check_semantics(&format!("{a}\n{b}"));
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/corpus/valid");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|f| {
            let t = std::fs::read_to_string(f).unwrap();
            t.strip_suffix('\n').unwrap_or(&t).replace('\n', " ")
        })
        .collect();
    for w in texts.windows(2) {
        fuzz_props::check_semantics(&format!("{}\n{}", w[0], w[1]));
    }
}

fn relation(a: &str, b: &str) -> Comparison {
    let c = compare(a, b).unwrap();
    let s = compare(b, a).unwrap();
    assert_eq!(s.relation, c.relation.swapped());
    c
}

const UNAUTH_V12: &str =
    r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#;
const UNAUTH_V13: &str = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }"#;
const UNAUTH_V20: &str = r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#;
const UNAUTH_INTENDED: &str = r#"{(($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}"#;

#[test]
fn the_precedence_trap() {
    // `A || B && C && D` reads `A || (B && C && D)`: broader than the
    // intended `(A || B) && C && D` — it still counts unauthorized calls
    // from the log delivery service.
    let c = relation(UNAUTH_V20, UNAUTH_INTENDED);
    assert_eq!(c.relation, Relation::Broader);
    let w = c.only_a.unwrap();
    assert!(w.contains("UnauthorizedOperation"), "{w}");
    // And narrower than v1.2: AccessDenied from the log delivery service is missed.
    let c = relation(UNAUTH_V20, UNAUTH_V12);
    assert_eq!(c.relation, Relation::Narrower);
    assert!(c.only_b.unwrap().contains("AccessDenied"));
    // v1.3–v1.5 join the exclusions with `||`: far broader than v1.2.
    let c = relation(UNAUTH_V13, UNAUTH_V12);
    assert_eq!(c.relation, Relation::Broader);
}

#[test]
fn the_event_source_wrapper() {
    let iam = "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}";
    let wrapped = format!(
        "{{($.eventSource=iam.amazonaws.com) && ({})}}",
        &iam[1..iam.len() - 1]
    );
    let c = relation(&wrapped, iam);
    assert_eq!(c.relation, Relation::Narrower);
    // The blind spot: the same event names from another source.
    let w = c.only_b.unwrap();
    assert!(
        w.starts_with("{\"eventSource\":\"") && !w.contains("iam.amazonaws.com"),
        "{w}"
    );
}

#[test]
fn the_absent_field_trap() {
    let two = r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}"#;
    let absent_too = r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes" || $.additionalEventData.MFAUsed NOT EXISTS)}"#;
    let c = relation(two, absent_too);
    assert_eq!(c.relation, Relation::Narrower);
    assert_eq!(c.only_b.as_deref(), Some(r#"{"eventName":"ConsoleLogin"}"#));
}

#[test]
fn term_set_containment() {
    assert_eq!(
        relation("ERROR -DEBUG", "ERROR").relation,
        Relation::Narrower
    );
    assert_eq!(
        relation("ERROR WARN", "WARN ERROR").relation,
        Relation::Equivalent
    );
    assert_eq!(relation("ERROR -ERR", "").relation, Relation::Never);
    assert_eq!(
        relation("\"ERROR 500\"", "ERROR").relation,
        Relation::Narrower
    );
}

// ---------------------------------------------------------------------------
// `cis-filters compare`.

#[cfg(feature = "cli")]
mod cli {
    use crate::common::{code, run, stdout};

    #[test]
    fn exit_codes() {
        let eq = run(&["compare", r#"{ $.a = "x" }"#, "{ $.a = x }"], "");
        assert_eq!(code(&eq), 0, "{}", stdout(&eq));
        let narrower = run(&["compare", "ERROR -DEBUG", "ERROR"], "");
        assert_eq!(code(&narrower), 1);
        let invalid = run(&["compare", "{ $.a == 1 }", "ERROR"], "");
        assert_eq!(code(&invalid), 2);
    }

    #[test]
    fn text_and_json() {
        let args = [
            "compare",
            r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}"#,
            r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes" || $.additionalEventData.MFAUsed NOT EXISTS)}"#,
        ];
        insta::assert_snapshot!("compare_text_narrower", stdout(&run(&args, "")));
        let mut json = args.to_vec();
        json.extend(["--format", "json"]);
        let out = stdout(&run(&json, ""));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["relation"], "narrower");
        assert_eq!(v["only_b"]["event"], r#"{"eventName":"ConsoleLogin"}"#);
        assert!(v["only_a"].is_null());
    }

    /// `lint` reports what the comparison finds in a pattern's parts:
    /// redundant alternatives (CF0303), a pattern no event can match that
    /// the two-values check does not see (CF0300), and `!=` on a field not
    /// every CloudTrail record has, with an event the pattern misses that
    /// the matcher confirms (CF0301).
    #[test]
    fn lint_reports_what_patterns_mean() {
        use cis_filters::matcher::Matcher;
        let dir = crate::common::root().join("tests/data/semantics/lint");
        let out = run(
            &[
                "lint",
                "--disable",
                "CF0302",
                "--format",
                "json",
                dir.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(code(&out), 0, "{}", stdout(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let diags = v["diagnostics"].as_array().unwrap();
        let found: Vec<(&str, u64)> = diags
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap(),
                    d["location"]["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(found, [("CF0303", 8), ("CF0300", 20), ("CF0301", 32)]);
        let redundant = &diags[0];
        assert_eq!(redundant["rule"], "redundant-term");
        let ne = diags[2]["message"].as_str().unwrap();
        let event = ne.split_once("does not match ").unwrap().1;
        assert_eq!(
            event,
            r#"{"userIdentity":{},"eventSource":"s3.amazonaws.com"}"#
        );
        let pattern =
            r#"{ ($.eventSource = "s3.amazonaws.com") && ($.userIdentity.type != "AWSService") }"#;
        assert!(!Matcher::new(pattern).unwrap().matches(event));
        let wide = r#"{ ($.eventSource = "s3.amazonaws.com") && ($.userIdentity.type != "AWSService" || $.userIdentity.type NOT EXISTS) }"#;
        assert!(Matcher::new(wide).unwrap().matches(event));
    }
}
