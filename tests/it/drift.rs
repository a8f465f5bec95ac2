//! `cis-filters drift` on the real binary: the Terraform and CloudFormation
//! files under `tests/data/drift/` against `tests/data/drift/snapshot.json`
//! (us-east-1 read; eu-west-1's filters and alarms could not be read).

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::common;

fn fixtures() -> PathBuf {
    common::root().join("tests/data/drift")
}

/// Run `cis-filters drift ARGS` in `dir`.
fn drift_in(dir: &Path, args: &[&str]) -> Output {
    common::bin()
        .current_dir(dir)
        .arg("drift")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run cis-filters")
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// The readable region only: every kind of pair is decided.
const READABLE: &[&str] = &[
    "--snapshot",
    "snapshot.json",
    "--snapshot-regions",
    "us-east-1",
    "terraform",
    "cloudformation",
];

fn json_report(args: &[&str]) -> (i32, Value) {
    let out = drift_in(&fixtures(), &[args, &["--format", "json"]].concat());
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
    (common::code(&out), v)
}

/// The filter pair of a code resource, or of a deployed filter name.
fn filter<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["filters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"]["resource"] == name || p["account"]["filter_name"] == name)
        .unwrap_or_else(|| panic!("no filter pair {name}"))
}

fn alarm<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"]["resource"] == name || p["account"]["alarm_name"] == name)
        .unwrap_or_else(|| panic!("no alarm pair {name}"))
}

#[test]
fn each_kind_of_filter_pair() {
    let (code, r) = json_report(READABLE);
    assert_eq!(code, 1);
    assert_eq!(r["version"], 1);
    let status = |name: &str| filter(&r, name)["status"].as_str().unwrap().to_owned();
    assert_eq!(
        status("aws_cloudwatch_log_metric_filter.root_usage"),
        "same"
    );
    assert_eq!(status("ConsoleSigninFailures"), "same");
    assert_eq!(
        status("aws_cloudwatch_log_metric_filter.unauthorized_api_calls"),
        "rewritten"
    );
    assert_eq!(
        status("aws_cloudwatch_log_metric_filter.config_changes"),
        "different"
    );
    assert_eq!(status("SecurityGroupChanges"), "different");
    assert_eq!(
        status("aws_cloudwatch_log_metric_filter.iam_changes"),
        "unknown"
    );
    assert_eq!(
        status("aws_cloudwatch_log_metric_filter.vpc_changes"),
        "only_in_code"
    );
    assert_eq!(status("CIS-3.8-S3BucketPolicyChanges"), "only_in_account");
    // A filter on a log group the code does not name is out of scope.
    assert!(
        r["filters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["account"]["filter_name"] != "AppErrors")
    );
    assert_eq!(
        r["summary"],
        serde_json::json!({"same": 3, "rewritten": 1, "different": 3, "unknown": 2,
                           "only_in_code": 2, "only_in_account": 2})
    );
}

/// ministryofjustice/modernisation-platform issue 13148: the deployed
/// pattern lacks the `eventSource` clause the Terraform declares. The pair
/// is `different`, the missing term is named, and the deployed pattern is
/// broader (it counts events of other services).
#[test]
fn deployed_pattern_missing_a_declared_clause() {
    let (_, r) = json_report(READABLE);
    let p = filter(&r, "aws_cloudwatch_log_metric_filter.config_changes");
    assert_eq!(p["status"], "different");
    assert_eq!(p["paired_by"], "name");
    assert_eq!(p["relation"], "broader");
    assert_eq!(
        p["pattern_diff"],
        serde_json::json!([{"change": "missing", "term": "$.eventSource = \"config.amazonaws.com\"",
                            "expected": "$.eventSource = \"config.amazonaws.com\"", "found": null}])
    );
    assert_eq!(p["code"]["location"]["path"], "terraform/main.tf");
    assert_eq!(p["code"]["location"]["line"], 49);
    // Paired by metric when the template gives no filter name; the
    // deployed pattern lacks two events: narrower.
    let p = filter(&r, "SecurityGroupChanges");
    assert_eq!(p["paired_by"], "metric");
    assert_eq!(p["relation"], "narrower");
    let missing: Vec<&str> = p["pattern_diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["term"].as_str().unwrap())
        .collect();
    assert_eq!(
        missing,
        [
            "$.eventName = \"CreateSecurityGroup\"",
            "$.eventName = \"DeleteSecurityGroup\""
        ]
    );
}

/// A rewritten pattern (operands swapped, parentheses and spacing changed)
/// has the same normal form: `rewritten`, with no differences, not drift.
#[test]
fn rewritten_is_not_drift() {
    let (_, r) = json_report(READABLE);
    let p = filter(
        &r,
        "aws_cloudwatch_log_metric_filter.unauthorized_api_calls",
    );
    assert_eq!(p["status"], "rewritten");
    assert_eq!(p["differences"], serde_json::json!([]));
    assert_ne!(p["code"]["pattern"], p["account"]["pattern"]);
    // Only a rewritten and a same pair: exit 0.
    let out = drift_in(
        &fixtures().join("no-drift"),
        &["--snapshot", "snapshot.json", "."],
    );
    assert_eq!(common::code(&out), 0, "{}", common::stdout(&out));
    assert!(
        common::stdout(&out)
            .contains("rewritten: aws_cloudwatch_log_metric_filter.unauthorized_api_calls")
    );
    assert!(common::stdout(&out).ends_with(": no drift\n"));
}

/// A value the code leaves unknown (a variable without a default) makes
/// the pair `unknown`, never `different`, even though the deployed pattern
/// is not the one any default would give.
#[test]
fn unknown_variables_are_unknown_never_different() {
    let (_, r) = json_report(READABLE);
    let p = filter(&r, "aws_cloudwatch_log_metric_filter.iam_changes");
    assert_eq!(p["status"], "unknown");
    assert!(p["code"]["pattern"]["unknown"].is_string());
    assert!(
        p["reason"]
            .as_str()
            .unwrap()
            .contains("var.iam_changes_pattern"),
        "{p}"
    );
    assert_eq!(p["differences"], serde_json::json!([]));
    let a = alarm(&r, "aws_cloudwatch_metric_alarm.config_changes");
    assert_eq!(a["status"], "unknown");
    assert_eq!(
        a["code"]["alarm_actions"]["unknown"],
        "[var.alarm_topic_arn]"
    );
}

#[test]
fn alarms_are_paired_and_compared() {
    let (_, r) = json_report(READABLE);
    assert_eq!(
        alarm(&r, "aws_cloudwatch_metric_alarm.root_usage")["status"],
        "same"
    );
    let a = alarm(&r, "aws_cloudwatch_metric_alarm.unauthorized_api_calls");
    assert_eq!(a["status"], "different");
    assert_eq!(
        a["differences"],
        serde_json::json!([
            {"field": "threshold", "code": "1", "account": "5"},
            {"field": "period", "code": "300", "account": "3600"}
        ])
    );
    assert_eq!(
        alarm(&r, "ConsoleSigninFailuresAlarm")["status"],
        "only_in_code"
    );
    // Watches the metric of a deployed filter on the code's log group.
    assert_eq!(
        alarm(&r, "CIS-3.8-S3BucketPolicyChanges")["status"],
        "only_in_account"
    );
    assert!(
        r["alarms"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["account"]["alarm_name"] != "app-errors")
    );
}

/// `--all` reports every deployed filter and alarm the code does not declare.
#[test]
fn all_widens_only_in_account() {
    let (_, r) = json_report(&[READABLE, &["--all"]].concat());
    assert_eq!(r["scope"], "all");
    assert_eq!(filter(&r, "AppErrors")["status"], "only_in_account");
    assert_eq!(alarm(&r, "app-errors")["status"], "only_in_account");
}

/// Where the account's filters could not be read, a code filter that
/// nothing pairs with is `unknown`, not `only_in_code`.
#[test]
fn unreadable_regions_make_missing_pairs_unknown() {
    let (_, r) = json_report(&["--snapshot", "snapshot.json", "terraform", "cloudformation"]);
    let p = filter(&r, "aws_cloudwatch_log_metric_filter.vpc_changes");
    assert_eq!(p["status"], "unknown");
    assert!(
        p["reason"]
            .as_str()
            .unwrap()
            .contains("DescribeMetricFilters in eu-west-1")
    );
    assert_eq!(alarm(&r, "ConsoleSigninFailuresAlarm")["status"], "unknown");
    assert_eq!(r["unreadable"].as_array().unwrap().len(), 2);
}

#[test]
fn human_and_json_output() {
    let human = drift_in(&fixtures(), READABLE);
    assert_eq!(common::code(&human), 1);
    let json = drift_in(&fixtures(), &[READABLE, &["--format", "json"]].concat());
    snapshot_settings().bind(|| {
        insta::assert_snapshot!("drift_human", common::stdout(&human));
        insta::assert_snapshot!("drift_json", common::stdout(&json));
    });
}

/// The SARIF log validates against the SARIF 2.1.0 schema, with the drift
/// at the code's locations.
#[test]
fn sarif_is_valid() {
    let text =
        std::fs::read_to_string(common::root().join("tests/data/sarif-2.1.0-schema.json")).unwrap();
    // As in tests/it/lint.rs: the official schema's `language` patterns
    // have an unescaped `]` this validator's regex engine rejects.
    let broken = "-[a-zA-Z]{2}]?$";
    let schema: Value = serde_json::from_str(&text.replace(broken, "-[a-zA-Z]{2}\\\\]?$")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let out = drift_in(&fixtures(), &[READABLE, &["--format", "sarif"]].concat());
    assert_eq!(common::code(&out), 1);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let config = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("aws_cloudwatch_log_metric_filter.config_changes different")
        })
        .expect("the config_changes result");
    assert_eq!(config["ruleId"], "drift-different");
    assert_eq!(config["level"], "error");
    let loc = &config["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "terraform/main.tf");
    assert_eq!(loc["region"]["startLine"], 49);
    assert!(
        config["message"]["text"]
            .as_str()
            .unwrap()
            .contains("missing in the account: $.eventSource = \"config.amazonaws.com\"")
    );
    // Same and rewritten pairs are not results; unknown ones are notes.
    assert!(results.iter().all(|r| r["ruleId"] != "drift-same"));
    assert_eq!(
        results
            .iter()
            .filter(|r| r["ruleId"] == "drift-unknown")
            .count(),
        2
    );
    // A filter only in the account is shown at a code filter on its log group.
    let only = results
        .iter()
        .find(|r| r["ruleId"] == "drift-only-in-account")
        .unwrap();
    assert!(only["locations"][0]["physicalLocation"].is_object());
}

#[test]
fn exit_codes_and_input_errors() {
    // No drift: 0; drift: 1.
    let out = drift_in(
        &fixtures().join("no-drift"),
        &["--snapshot", "snapshot.json", "."],
    );
    assert_eq!(common::code(&out), 0, "{}", common::stdout(&out));
    let out = drift_in(
        &fixtures().join("no-drift"),
        &[
            "--snapshot",
            "../snapshot.json",
            "--snapshot-regions",
            "us-east-1",
            ".",
        ],
    );
    assert_eq!(common::code(&out), 1, "{}", common::stdout(&out));
    // A path that does not exist: 2.
    let out = drift_in(&fixtures(), &["--snapshot", "snapshot.json", "nowhere"]);
    assert_eq!(common::code(&out), 2);
    assert!(common::stderr(&out).starts_with("error: cannot read `nowhere`"));
    // A snapshot that cannot be read: 2, one line.
    let out = drift_in(
        &fixtures(),
        &["--snapshot", "terraform/main.tf", "terraform"],
    );
    assert_eq!(common::code(&out), 2);
    assert_eq!(
        common::stderr(&out).lines().count(),
        1,
        "{}",
        common::stderr(&out)
    );
    // A region the snapshot does not have: 2.
    let out = drift_in(
        &fixtures(),
        &[
            "--snapshot",
            "snapshot.json",
            "--snapshot-regions",
            "mars-1",
            "terraform",
        ],
    );
    assert_eq!(common::code(&out), 2);
    assert!(common::stderr(&out).contains("no region `mars-1`"));
    // A template that names a filter type and does not parse: 2, after the report.
    let out = drift_in(
        &fixtures(),
        &[
            "--snapshot",
            "snapshot.json",
            "--snapshot-regions",
            "us-east-1",
            "broken",
        ],
    );
    assert_eq!(common::code(&out), 2);
    assert!(
        common::stderr(&out).contains("broken/broken.yaml"),
        "{}",
        common::stderr(&out)
    );
}

/// Live, without `--snapshot`, through the collector `verify` uses: a moto
/// account seeded by tests/e2e/seed.py whose 3.4 filter lacks its last term.
#[cfg(feature = "aws")]
#[test]
fn live_against_moto() {
    let Some(acct) = crate::e2e::seed("compliant", "us-east-1", &["filter-differs:3.4"], 0) else {
        return;
    };
    let mut c = crate::e2e::aws_cmd(&acct);
    c.current_dir(fixtures().join("live")).args([
        "drift",
        "--regions",
        "us-east-1",
        "--quiet",
        "--format",
        "json",
        ".",
    ]);
    let out = c.output().expect("run cis-filters");
    assert_eq!(common::code(&out), 1, "{}", common::stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["account_id"], acct.id.as_str());
    assert_eq!(
        filter(
            &r,
            "aws_cloudwatch_log_metric_filter.unauthorized_api_calls"
        )["status"],
        "same"
    );
    let p = filter(&r, "aws_cloudwatch_log_metric_filter.iam_changes");
    assert_eq!(p["status"], "different");
    assert_eq!(p["relation"], "narrower");
    assert_eq!(p["pattern_diff"][0]["change"], "missing");
    assert_eq!(
        p["pattern_diff"][0]["term"],
        "$.eventName = \"DetachGroupPolicy\""
    );
    assert_eq!(
        alarm(&r, "aws_cloudwatch_metric_alarm.iam_changes")["status"],
        "same"
    );
    // The other CIS filters on the log group are not in the code.
    assert_eq!(filter(&r, "CIS-3.3")["status"], "only_in_account");
}
