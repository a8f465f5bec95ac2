//! `cis-filters verify` on the real binary: the example snapshots' per-control
//! statuses (tests/data/audit/*.statuses), every output format, exit codes
//! and input errors.

use std::path::PathBuf;

use crate::common::{code, root, run, stderr, stdout};

fn example(name: &str) -> String {
    root()
        .join("examples/snapshots")
        .join(name)
        .display()
        .to_string()
}

fn data(name: &str) -> PathBuf {
    root().join("tests/data/audit").join(name)
}

fn json_report(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["verify", "--format", "json"];
    all.extend_from_slice(args);
    let o = run(&all, "");
    let v = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    (code(&o), v)
}

#[test]
fn examples_have_their_expected_statuses() {
    for (name, exit) in [("compliant", 0), ("noncompliant", 1), ("mixed", 1)] {
        let expected = std::fs::read_to_string(data(&format!("{name}.statuses"))).unwrap();
        let expected: Vec<(String, String)> = expected
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (id, st) = l.split_once(' ').unwrap();
                (id.to_owned(), st.to_owned())
            })
            .collect();
        let (c, v) = json_report(&["--snapshot", &example(&format!("{name}.json"))]);
        assert_eq!(c, exit, "{name}");
        let got: Vec<(String, String)> = v["controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn compliant_passes_all_automated_and_noncompliant_fails_them() {
    let (_, ok) = json_report(&["--snapshot", &example("compliant.json")]);
    let (_, bad) = json_report(&["--snapshot", &example("noncompliant.json")]);
    for (a, b) in ok["controls"]
        .as_array()
        .unwrap()
        .iter()
        .zip(bad["controls"].as_array().unwrap())
    {
        let manual = a["findings"][0]["reason_code"] == "MANUAL_CONTROL";
        if manual {
            assert_eq!(a["status"], "NOT_AVAILABLE");
            assert_eq!(b["status"], "NOT_AVAILABLE");
        } else {
            assert_eq!(a["status"], "PASSED", "{}", a["id"]);
            assert_eq!(b["status"], "FAILED", "{}", b["id"]);
        }
    }
    assert_eq!(ok["summary"]["FAILED"], 0);
}

#[test]
fn strict_match_fails_the_equivalent_filter() {
    let snap = example("mixed.json");
    let (_, v) = json_report(&[
        "--snapshot",
        &snap,
        "--controls",
        "3.3",
        "--match",
        "strict",
    ]);
    let c = &v["controls"][0];
    assert_eq!(c["status"], "FAILED");
    assert_eq!(
        c["findings"][0]["evidence"]["verdict"]["verdict"],
        "equivalent"
    );
    let (code, v) = json_report(&["--snapshot", &snap, "--controls", "3.3"]);
    assert_eq!(v["controls"][0]["status"], "PASSED");
    assert_eq!(code, 0);
}

/// An example snapshot, changed by `edit`, as JSON text for stdin.
fn edited(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example(name)).unwrap()).unwrap();
    edit(&mut v);
    v.to_string()
}

/// `verify --format json --snapshot - ARGS` on `snapshot`.
fn json_report_of(snapshot: &str, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["verify", "--format", "json", "--snapshot", "-"];
    all.extend_from_slice(args);
    let o = run(&all, snapshot);
    let v = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    (code(&o), v)
}

fn status_of<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["status"].as_str())
        .unwrap()
}

/// An audit that could evaluate nothing does not exit 0.
#[test]
fn nothing_evaluated_exits_3() {
    let snap = edited("compliant.json", |v| {
        v["regions"] = serde_json::json!([]);
        let denied = serde_json::json!({"error": {"service": "iam", "operation": "Get",
            "code": "AccessDenied", "message": "denied"}});
        for item in [
            "credential_report",
            "password_policy",
            "account_summary",
            "virtual_mfa_devices",
            "users",
            "policies",
            "support_access",
        ] {
            v["iam"][item] = denied.clone();
        }
    });
    let (c, v) = json_report_of(&snap, &[]);
    assert_eq!(c, 3);
    assert_eq!(
        v["summary"]["NOT_AVAILABLE"],
        v["controls"].as_array().unwrap().len()
    );
    // Only manual controls selected: nothing evaluated either.
    let (c, _) = json_report_of(&snap, &["--controls", "1.15,4.4"]);
    assert_eq!(c, 3);
}

/// `--fail-on-not-available` fails a run with any automated control
/// NOT_AVAILABLE; a FAILED control still exits 1.
#[test]
fn fail_on_not_available() {
    let snap = edited("compliant.json", |v| {
        v["regions"][1]["security_groups"] = serde_json::json!({"error": {"service": "ec2",
            "operation": "DescribeSecurityGroups", "code": "AccessDenied", "message": "denied"}});
    });
    let (c, v) = json_report_of(&snap, &[]);
    assert_eq!((c, status_of(&v, "4.1")), (0, "NOT_AVAILABLE"));
    let (c, _) = json_report_of(&snap, &["--fail-on-not-available"]);
    assert_eq!(c, 3);
    // Manual controls (always NOT_AVAILABLE) do not count.
    let compliant = std::fs::read_to_string(example("compliant.json")).unwrap();
    let (c, _) = json_report_of(&compliant, &["--fail-on-not-available"]);
    assert_eq!(c, 0);
    let o = run(
        &[
            "verify",
            "--snapshot",
            &example("mixed.json"),
            "--fail-on-not-available",
        ],
        "",
    );
    assert_eq!(code(&o), 1);
}

/// `--procedure cis` reads 2.4 as the CIS procedure does: a delivery to
/// CloudWatch Logs within the last day. Security Hub's reading is the default.
#[test]
fn procedure_switch() {
    let snap = edited("compliant.json", |v| {
        for r in v["regions"].as_array_mut().unwrap() {
            for t in r["trails"]["ok"].as_array_mut().unwrap() {
                t["status"]["ok"]["latest_cloud_watch_logs_delivery_time"] =
                    "2026-11-01T00:00:00Z".into();
            }
        }
    });
    let (c, v) = json_report_of(&snap, &["--controls", "2.4"]);
    assert_eq!((c, status_of(&v, "2.4")), (0, "PASSED"));
    let f = &v["controls"][0]["findings"][0];
    assert_eq!(f["reason_code"], "CLOUDWATCH_LOGS_CONFIGURED");
    assert_eq!(f["evidence"]["latest_delivery_age_days"], 19);
    assert_eq!(f["evidence"]["procedure"], "securityhub");
    let (c, v) = json_report_of(&snap, &["--controls", "2.4", "--procedure", "cis"]);
    assert_eq!((c, status_of(&v, "2.4")), (1, "FAILED"));
    assert_eq!(
        v["controls"][0]["findings"][0]["reason_code"],
        "CLOUDWATCH_LOGS_DELIVERY_STALE"
    );
}

#[test]
fn every_format_renders() {
    let snap = example("mixed.json");
    for (fmt, probe) in [
        ("table", "3.2  FAILED"),
        ("json", "\"schema\": 1"),
        (
            "asff",
            "\"GeneratorId\": \"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/3.2\"",
        ),
        ("sarif", "\"version\": \"2.1.0\""),
        (
            "csv",
            "control,title,severity,control_status,status,resource,region,reason_code,reason",
        ),
        (
            "junit",
            "<testsuites name=\"cis-filters verify 409318256711\"",
        ),
    ] {
        let o = run(&["verify", "--snapshot", &snap, "--format", fmt], "");
        assert_eq!(code(&o), 1, "{fmt}: {}", stderr(&o));
        assert!(stdout(&o).contains(probe), "{fmt}: {}", stdout(&o));
        assert!(
            !stdout(&o).contains('\x1b'),
            "{fmt}: colour without a terminal"
        );
    }
}

#[test]
fn output_file_and_stdin() {
    let dir = std::env::temp_dir().join(format!("cis-filters-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("report.xml");
    let o = run(
        &[
            "verify",
            "--snapshot",
            &example("compliant.json"),
            "--format",
            "junit",
            "--output",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("<testsuites")
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(example("compliant.json")).unwrap();
    let o = run(&["verify", "--snapshot", "-", "--format", "json"], &text);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn input_errors_name_the_place() {
    for (file, needle) in [
        ("bad-syntax.json", "not valid JSON: line 4, column 3"),
        ("bad-schema-version.json", "`schema` 4"),
        ("bad-missing-field.json", "regions[1]"),
        ("bad-missing-field.json", "missing field `alarms`"),
        ("bad-unknown-field.json", "regions[0].trails.ok[0]"),
        (
            "bad-unknown-field.json",
            "unknown field `is_multiregion_trail`",
        ),
    ] {
        let o = run(&["verify", "--snapshot", data(file).to_str().unwrap()], "");
        assert_eq!(code(&o), 2, "{file}");
        let err = stderr(&o);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains(needle), "{file}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let o = run(&["verify", "--snapshot", "/nonexistent/snap.json"], "");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read snapshot `/nonexistent/snap.json`"));
}

#[test]
fn usage_errors() {
    let snap = example("compliant.json");
    for (args, needle) in [
        (
            vec!["verify", "--snapshot", &snap, "--controls", "9.9"],
            "unknown control `9.9`",
        ),
        (
            vec!["verify", "--snapshot", &snap, "--format", "xml"],
            "unknown format `xml`",
        ),
        (
            vec!["verify", "--snapshot", &snap, "--match", "loose"],
            "unknown match mode `loose`",
        ),
        (
            vec!["verify", "--snapshot", &snap, "--benchmark", "cis-9"],
            "unknown benchmark `cis-9`",
        ),
        (
            vec!["verify", "--snapshot", &snap, "--procedure", "aws"],
            "unknown procedure `aws`",
        ),
    ] {
        let o = run(&args, "");
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    // With the `aws` feature, `verify` alone is a live audit (tests/it/e2e.rs).
    #[cfg(not(feature = "aws"))]
    {
        let o = run(&["verify"], "");
        assert_eq!(code(&o), 2);
        assert!(
            stderr(&o).contains("needs the `aws` feature"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn help_teaches() {
    let o = run(&["verify", "--help"], "");
    assert_eq!(code(&o), 0);
    let h = stdout(&o);
    for needle in [
        "--snapshot",
        "--match",
        "--controls",
        "--procedure",
        "--fail-on-not-available",
        "asff",
        "Exit codes",
        "3 no control FAILED but nothing could be evaluated",
        "examples/snapshots/mixed.json",
    ] {
        assert!(h.contains(needle), "{needle}");
    }
}

/// The SARIF report validates against the official SARIF 2.1.0 schema
/// (vendored in tests/data/sarif-2.1.0-schema.json).
#[test]
fn sarif_is_valid() {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-2.1.0-schema.json")).unwrap();
    // The official schema's `language` patterns have an unescaped `]` that
    // the validator's regex engine rejects; no report here has a `language`.
    let broken = "-[a-zA-Z]{2}]?$";
    let schema: serde_json::Value =
        serde_json::from_str(&text.replace(broken, "-[a-zA-Z]{2}\\\\]?$")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for name in ["mixed.json", "noncompliant.json"] {
        let o = run(
            &["verify", "--snapshot", &example(name), "--format", "sarif"],
            "",
        );
        let log: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    }
}

/// The example snapshots validate against the shipped JSON Schema, and the
/// schema rejects what the reader rejects.
#[test]
fn examples_fit_the_snapshot_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/snapshot.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for name in ["compliant.json", "noncompliant.json", "mixed.json"] {
        let snap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(example(name)).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&snap)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    for bad in [
        "bad-missing-field.json",
        "bad-unknown-field.json",
        "bad-schema-version.json",
    ] {
        let snap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(data(bad)).unwrap()).unwrap();
        assert!(!validator.is_valid(&snap), "{bad}");
    }
}
