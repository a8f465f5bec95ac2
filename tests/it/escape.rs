//! Text from outside — account data, AWS error messages, log events, file
//! names, strings in IaC files — never reaches the terminal raw: every
//! human-readable output shows control characters as escapes (`\x1b`,
//! `\r`, `\x07`), while the JSON outputs keep the exact text.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use crate::common::{bin, code, root, run, stderr, stdout};

/// Set the terminal title, then ring the bell.
const OSC: &str = "\x1b]0;pwned\x07";

/// No control character but newline and tab.
#[track_caller]
fn assert_clean(text: &str) {
    let bad: Vec<(usize, char)> = text
        .char_indices()
        .filter(|&(_, c)| c.is_control() && c != '\n' && c != '\t')
        .collect();
    assert!(bad.is_empty(), "raw control characters {bad:?} in:\n{text}");
}

fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cis-filters-escape-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A filter name, a filter pattern and an AWS error message with ESC, OSC,
/// CR and BEL (`tests/data/escape/snapshot.json`, the mixed example with
/// these three changes).
#[test]
fn verify_table_escapes_what_the_account_holds() {
    let snap = root().join("tests/data/escape/snapshot.json");
    let snap = snap.to_str().unwrap();
    let o = run(&["verify", "--snapshot", snap], "");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let table = stdout(&o);
    assert_clean(&table);
    for shown in [
        r"the closest, `CIS-3.2\x1b]0;pwned\x07-ConsoleSignin\rWithoutMFA`",
        r#"found $.additionalEventData.MFAUsed = "Yes\x1b[8m")"#,
        r"AccessDenied: denied\r\x1b[2J\x1b[32mall controls PASSED\x07",
    ] {
        assert!(table.contains(shown), "{shown} not in\n{table}");
    }
    // The JSON report keeps the exact text.
    let o = run(&["verify", "--snapshot", snap, "--format", "json"], "");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let reasons: Vec<&str> = v["controls"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .map(|f| f["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains(&format!("CIS-3.2{OSC}-ConsoleSignin\rWithoutMFA")))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("denied\r\x1b[2J\x1b[32mall"))
    );
}

/// A Terraform file whose name and strings hold control characters, `::`
/// and `,`: human output escapes them; GitHub workflow commands also
/// percent-encode what would end a property or the line.
#[test]
fn lint_escapes_file_names_and_strings() {
    let d = dir("lint");
    let name = format!("a::b,{OSC}\r.tf");
    std::fs::write(
        d.join(&name),
        "resource \"aws_cloudwatch_log_metric_filter\" \"x\" {\n  pattern = \"{ $.a = \\\"\\u001b[2J\\\" && $.a = \\\"b\\u0007\\\" }\"\n}\n",
    )
    .unwrap();
    let o = run_in(&d, &["lint", "--format", "human", &name]);
    let human = stdout(&o);
    assert_clean(&human);
    assert_clean(&stderr(&o));
    assert!(
        human.contains(r" --> a::b,\x1b]0;pwned\x07\r.tf:2:"),
        "{human}"
    );
    assert!(human.contains(r#"`"\x1b[2J"` and `"b\x07"`"#), "{human}");

    let o = run_in(&d, &["lint", "--format", "github", &name]);
    let github = stdout(&o);
    assert_clean(&github);
    assert_eq!(github.lines().count(), 1, "{github}");
    assert!(
        github.starts_with(r"::warning file=a%3A%3Ab%2C\x1b]0;pwned\x07\r.tf,line=2,"),
        "{github}"
    );
    assert!(github.contains(r#"`"\x1b[2J"` and `"b\x07"`"#), "{github}");

    // JSON has the exact name and strings.
    let o = run_in(&d, &["lint", "--format", "json", &name]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let diag = &v["diagnostics"][0];
    assert_eq!(diag["location"]["path"], name.as_str());
    assert!(
        diag["message"]
            .as_str()
            .unwrap()
            .contains("`\"\x1b[2J\"` and `\"b\x07\"`")
    );
    std::fs::remove_dir_all(&d).ok();
}

/// Log events and file names in `test` and `replay` output.
#[test]
fn test_and_replay_escape_log_events() {
    let d = dir("events");
    let name = format!("trail{OSC}.jsonl");
    let event = r#"{"eventTime":"2024-03-01T12:00:00Z\u001b[2J","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","userIdentity":{"type":"Root\u0007"},"errorMessage":"Failed authentication"}"#;
    std::fs::write(d.join(&name), format!("{event}\nplain {OSC} text\rFAKE\n")).unwrap();

    let o = run_in(&d, &["replay", &name]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let table = stdout(&o);
    assert_clean(&table);
    assert!(
        table.contains(r"e.g. 2024-03-01T12:00:00Z\x1b[2J signin.amazonaws.com ConsoleLogin (Root\x07)  trail\x1b]0;pwned\x07.jsonl:1"),
        "{table}"
    );
    assert_clean(&stderr(&o));

    let o = run_in(&d, &["test", "text", &name, &name]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "trail\\x1b]0;pwned\\x07.jsonl:2: plain \\x1b]0;pwned\\x07 text\\rFAKE\n".repeat(2)
    );
    let o = run_in(
        &d,
        &["test", "--explain", "{ $.userIdentity.type = Root }", &name],
    );
    assert_clean(&stdout(&o));
    assert!(
        stdout(&o).contains(r#"found "Root\u0007""#),
        "{}",
        stdout(&o)
    );

    // JSON keeps the exact text.
    let o = run_in(&d, &["test", "--format", "json", "text", &name]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["events"][0]["message"], format!("plain {OSC} text\rFAKE"));
    assert_eq!(v["events"][0]["source"], name.as_str());
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn check_escapes_the_pattern() {
    let pattern = format!(
        "{{ ($.errorCode = \"*UnauthorizedOperation{OSC}\") || ($.errorCode = \"AccessDenied*\") }}"
    );
    let o = run(&["check", "--control", "3.1", &pattern], "");
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert_clean(&out);
    assert!(
        out.contains(r#"found     $.errorCode = "*UnauthorizedOperation\x1b]0;pwned\x07""#),
        "{out}"
    );
    assert!(
        out.starts_with(
            r#"pattern     { ($.errorCode = "*UnauthorizedOperation\x1b]0;pwned\x07")"#
        ),
        "{out}"
    );
}

/// Error messages quote file names.
#[test]
fn error_messages_escape_file_names() {
    let missing = format!("/nonexistent/{OSC}\r.json");
    for args in [
        vec!["test", "x", missing.as_str()],
        vec!["replay", missing.as_str()],
        vec!["verify", "--snapshot", missing.as_str()],
        vec!["lint", missing.as_str()],
    ] {
        let o = run(&args, "");
        assert_eq!(code(&o), 2, "{args:?}");
        let err = stderr(&o);
        assert_clean(&err);
        assert!(
            err.contains(r"/nonexistent/\x1b]0;pwned\x07\r.json"),
            "{args:?}: {err}"
        );
    }
}

/// A file name that is not UTF-8 (any byte but `/` and NUL is allowed on
/// Linux): SARIF percent-encodes its bytes, the other outputs show `\xE9`.
#[test]
fn sarif_uris_keep_bytes_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let d = dir("bytes");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.tf");
    std::fs::write(
        d.join(name),
        "resource \"aws_cloudwatch_log_metric_filter\" \"x\" {\n  pattern = \"{ $.a = \"\n}\n",
    )
    .unwrap();
    let o = bin()
        .current_dir(&d)
        .args(["lint", "--format", "sarif"])
        .arg(name)
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "caf%E9.tf"
    );
    let o = bin()
        .current_dir(&d)
        .args(["lint", "--format", "human"])
        .arg(name)
        .output()
        .unwrap();
    assert!(stdout(&o).contains(r" --> caf\xE9.tf:2:"), "{}", stdout(&o));
    std::fs::remove_dir_all(&d).ok();
}
