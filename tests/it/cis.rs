//! `cis-filters check` and `cis-filters controls` on the real binary:
//! verdicts from tests/data/cis/verdicts.tsv, the JSON contract of
//! docs/check.md, exit codes, and snapshots of the text explanation.

use std::fs;

use serde_json::Value;

use crate::common::{code, root, run, stderr, stdout};

fn json(args: &[&str], stdin: &str) -> (Value, i32) {
    let o = run(args, stdin);
    let v = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}{}", stdout(&o), stderr(&o)));
    (v, code(&o))
}

#[test]
fn verdicts_from_the_data_file() {
    let data = fs::read_to_string(root().join("tests/data/cis/verdicts.tsv")).unwrap();
    let mut n = 0;
    for line in data
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&str> = line.splitn(6, '\t').collect();
        let [bench, control, mode, verdict, want_control, pattern] = f[..] else {
            panic!("bad line: {line}");
        };
        let mut args = vec![
            "check",
            "--format",
            "json",
            "--benchmark",
            bench,
            "--match",
            mode,
        ];
        if control != "-" {
            args.extend(["--control", control]);
        }
        let (v, exit) = json(&args, pattern);
        assert_eq!(v["verdict"], verdict, "{line}\n{v:#}");
        assert_eq!(v["control"], want_control, "{line}\n{v:#}");
        let passes = verdict == "exact" || (verdict == "equivalent" && mode == "normalized");
        assert_eq!(v["passes"], passes, "{line}");
        assert_eq!(exit, if passes { 0 } else { 1 }, "{line}");
        if verdict == "different" {
            assert!(!v["differences"].as_array().unwrap().is_empty(), "{line}");
        }
        if verdict == "invalid" {
            assert!(v["error"]["kind"].is_string(), "{line}");
        }
        n += 1;
    }
    assert!(n >= 15, "only {n} cases");
}

#[test]
fn json_shape_is_the_documented_one() {
    let (v, exit) = json(
        &["check", "--control", "3.6", "--format", "json"],
        r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failedauthentication")}"#,
    );
    assert_eq!(exit, 1);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "benchmark",
            "canonical",
            "control",
            "differences",
            "error",
            "note",
            "passes",
            "semantics",
            "verdict"
        ]
    );
    // The fixed text is disjoint from the canonical one: each has an event of its own.
    assert_eq!(v["semantics"]["relation"], "disjoint");
    assert!(v["semantics"]["only_canonical"]["event"].is_string());
    assert_eq!(v["benchmark"], "cis-1.2");
    assert_eq!(
        v["differences"][0],
        serde_json::json!({
            "change": "changed",
            "term": "$.errorMessage",
            "expected": "$.errorMessage = \"Failed authentication\"",
            "found": "$.errorMessage = \"Failedauthentication\"",
        })
    );
    // Without --control: candidates, and control null when nothing is close.
    let (v, exit) = json(&["check", "--format", "json", "ERROR"], "");
    assert_eq!(exit, 1);
    assert_eq!(v["control"], Value::Null);
    assert_eq!(v["candidates"], serde_json::json!([]));
    let (v, _) = json(
        &["check", "--format", "json"],
        "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
    );
    assert_eq!(v["control"], "3.6");
    assert_eq!(v["candidates"][0]["control"], "3.6");
    assert_eq!(v["candidates"][0]["score"], 1.0);
    // An invalid pattern without a control.
    let (v, exit) = json(&["check", "--format", "json", "{ $.a = "], "");
    assert_eq!(exit, 1);
    assert_eq!(v["verdict"], "invalid");
    assert_eq!(v["control"], Value::Null);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check", "--control", "4.1", "{ $.a = 1 }"][..],
        &["check", "--benchmark", "cis-9", "{ $.a = 1 }"],
        &["check", "--match", "loose", "{ $.a = 1 }"],
        &["controls", "--benchmark", "nope"],
    ] {
        let o = run(args, "");
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).starts_with("error"), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn ids_accepted_by_control() {
    let p = r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#;
    for args in [
        &["check", "--control", "3.1", p][..],
        &["check", "--control", "CloudWatch.2", p],
        &[
            "check",
            "--benchmark",
            "securityhub",
            "--control",
            "CloudWatch.2",
            p,
        ],
        &["check", "--benchmark", "securityhub", "--control", "3.1", p],
    ] {
        assert_eq!(code(&run(args, "")), 0, "{args:?}");
    }
    // 4.1 with a 1.3+ benchmark: this form lacks the exclusions.
    let (v, exit) = json(
        &[
            "check",
            "--benchmark",
            "cis-2.0",
            "--control",
            "4.1",
            "--format",
            "json",
            p,
        ],
        "",
    );
    assert_eq!(exit, 1);
    assert_eq!(v["control"], "4.1");
    assert_eq!(v["differences"][0]["change"], "missing");
}

#[test]
fn pattern_from_stdin_with_newlines() {
    let multi =
        "{ ($.eventName = ConsoleLogin) &&\n  ($.errorMessage = \"Failed authentication\") }\n";
    let o = run(&["check", "--control", "3.6"], multi);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("exact (passes)"));
}

fn text(args: &[&str], stdin: &str) -> String {
    stdout(&run(args, stdin))
}

#[test]
fn explanation_snapshots() {
    insta::assert_snapshot!(
        "changed_value",
        text(
            &["check", "--control", "3.6"],
            r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failedauthentication")}"#
        )
    );
    insta::assert_snapshot!(
        "cis_2_0_grouping",
        text(
            &["check", "--benchmark", "cis-2.0", "--control", "4.1"],
            r#"{(($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}"#
        )
    );
    insta::assert_snapshot!(
        "equivalent_strict",
        text(
            &["check", "--control", "CloudWatch.2", "--match", "strict"],
            r#"{ (($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) }"#
        )
    );
    insta::assert_snapshot!(
        "classified_missing_and_extra",
        text(
            &["check"],
            "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StopLogging) || ($.eventName=PutEventSelectors)}"
        )
    );
    insta::assert_snapshot!(
        "invalid_glued_keyword",
        text(
            &["check", "--control", "3.3"],
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedByNOT EXISTS && $.eventType != "AwsServiceEvent" }"#
        )
    );
}

#[test]
fn controls_lists_the_catalog_and_benchmarks() {
    let t = text(&["controls"], "");
    assert_eq!(t.lines().count(), 1 + 49, "{t}");
    assert!(
        t.lines()
            .any(|l| l.starts_with("1.13") && l.contains("CRITICAL") && l.contains("IAM.9"))
    );
    assert!(
        t.lines()
            .any(|l| l.starts_with("4.4") && l.contains("manual"))
    );
    let (v, exit) = json(&["controls", "--format", "json"], "");
    assert_eq!(exit, 0);
    let controls = v["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 49);
    assert_eq!(controls[31]["id"], "3.1");
    assert_eq!(controls[31]["check"], "metric_filter");
    assert_eq!(controls[31]["severity"], "LOW");
    assert_eq!(controls[31]["securityhub_id"], "CloudWatch.2");
    let (v, _) = json(
        &["controls", "--benchmark", "cis-5.0", "--format", "json"],
        "",
    );
    assert_eq!(v["name"], "cis-5.0");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 15);
    assert!(
        rows[9]["canonical"][0]
            .as_str()
            .unwrap()
            .contains("ModifySecurityGroupRules")
    );
    let md = text(
        &[
            "controls",
            "--benchmark",
            "securityhub",
            "--format",
            "markdown",
        ],
        "",
    );
    assert!(md.contains("| CloudWatch.3 |"), "{md}");
    assert!(md.contains("\\|\\|"), "pipes must be escaped: {md}");
}

#[test]
fn canonical_corpus_files_match_the_benchmarks() {
    use cis_filters::cis::BENCHMARKS;
    use std::collections::BTreeSet;
    let want: BTreeSet<String> = BENCHMARKS
        .iter()
        .flat_map(|b| b.rows.iter())
        .flat_map(|r| r.canonical.iter().map(|c| (*c).to_owned()))
        .collect();
    let dir = root().join("grammar/corpus/valid");
    let got: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("canonical-"))
        })
        .map(|p| {
            let s = fs::read_to_string(&p).unwrap();
            s.strip_suffix('\n').unwrap_or(&s).to_owned()
        })
        .collect();
    assert_eq!(
        got, want,
        "grammar/corpus/valid/canonical-*.pattern is out of date"
    );
}
