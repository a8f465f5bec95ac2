//! `verify --snapshot` over an organization snapshot directory
//! (`tests/data/org`, written by `scripts/gen-org-snapshot.py`): the
//! management account owns an organization trail with the CIS chain, a
//! member has its own broken trail, one has none, the central filters'
//! criteria leave one out, one is suspended, one has an error file and one
//! was not collected.

use serde_json::Value;

use crate::common::{code, root, run, stderr, stdout};

fn org() -> String {
    root().join("tests/data/org").display().to_string()
}

fn verify(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    let o = run(&all, "");
    (code(&o), stdout(&o), stderr(&o))
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (c, out, err) = verify(&all);
    assert_eq!(c, 1, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn account<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()
}

fn control<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["report"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn organization_json_follows_the_organization_trail() {
    let v = json(&["--snapshot", &org()]);
    assert_eq!(v["kind"], "organization");
    assert_eq!(v["organization_id"], "o-exampleorg1");
    assert_eq!(v["summary"]["accounts"], 7);
    assert_eq!(v["summary"]["accounts_by_status"]["AUDITED"], 4);
    assert_eq!(v["summary"]["accounts_by_status"]["SUSPENDED"], 1);
    assert_eq!(v["summary"]["accounts_by_status"]["NOT_AUDITED"], 1);
    assert_eq!(v["summary"]["accounts_by_status"]["NOT_COLLECTED"], 1);
    // The management account passes its own chain.
    let m = account(&v, "111111111111");
    assert_eq!(control(m, "3.1")["status"], "PASSED");
    // Members without their own chain: the organization trail's.
    for id in ["222222222222", "333333333333"] {
        let c = control(account(&v, id), "3.1");
        assert_eq!(c["status"], "PASSED", "{id}");
        let reason = c["findings"][0]["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("covered by organization trail `management-events` of account 111111111111, whose chain is complete"),
            "{reason}"
        );
    }
    // The member the central filters' criteria leave out.
    let c = control(account(&v, "444444444444"), "3.3");
    assert_eq!(c["status"], "FAILED");
    assert_eq!(
        c["findings"][0]["evidence"]["excluded_filter"]["name"],
        "CIS-3.3-RootAccountUsage"
    );
    // Suspended and not collected: listed, no report.
    for (id, status) in [
        ("555555555555", "SUSPENDED"),
        ("777777777777", "NOT_COLLECTED"),
    ] {
        let a = account(&v, id);
        assert_eq!(a["status"], status);
        assert_eq!(a["report"], Value::Null);
        assert!(a["note"].is_string());
    }
    // The error file: every control NOT_AVAILABLE with the error.
    let a = account(&v, "666666666666");
    assert_eq!(a["status"], "NOT_AUDITED");
    assert_eq!(a["counts"]["NOT_AVAILABLE"], 49);
    for c in a["report"]["controls"].as_array().unwrap() {
        assert_eq!(c["findings"][0]["reason_code"], "ACCOUNT_NOT_AUDITED");
        assert_eq!(
            c["findings"][0]["evidence"]["error"]["operation"],
            "AssumeRole"
        );
    }
    // Counts per control add up over the audited accounts.
    let c31 = v["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "3.1")
        .unwrap();
    assert_eq!(c31["counts"]["PASSED"], 3);
    assert_eq!(c31["counts"]["FAILED"], 1);
    assert_eq!(c31["counts"]["NOT_AVAILABLE"], 1);
}

#[test]
fn organization_table_is_a_matrix() {
    let (c, out, _) = verify(&["--snapshot", &org()]);
    assert_eq!(c, 1);
    assert!(out.starts_with("CIS audit of organization o-exampleorg1 (7 accounts)"));
    assert!(out.contains("P PASSED  F FAILED  W WARNING  - NOT_AVAILABLE"));
    assert!(out.contains("555555555555  SUSPENDED"));
    assert!(out.contains("777777777777  NOT_COLLECTED"));
    assert!(out.contains("FAILED in account 444444444444 excluded-by-criteria"));
    assert!(!out.contains("FAILED in account 111111111111"));
    // Fits a terminal: the matrix lines are short.
    for line in out.lines().skip(2).take(11) {
        assert!(line.chars().count() <= 100, "{line}");
    }
    let row = out.lines().find(|l| l.starts_with("333333333333")).unwrap();
    assert!(row.contains(" PPPPPPPPPPPPPP "), "{row}");
}

#[test]
fn every_format_names_each_findings_account() {
    let (_, csv, _) = verify(&["--snapshot", &org(), "--format", "csv"]);
    assert!(csv.starts_with("account,account_name,control,"));
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(
        rows.iter()
            .all(|r| r.len() > 13 && r.as_bytes()[12] == b',')
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("444444444444,excluded-by-criteria,3.3,"))
    );
    let (_, asff, _) = verify(&["--snapshot", &org(), "--format", "asff"]);
    let asff: Value = serde_json::from_str(&asff).unwrap();
    for f in asff.as_array().unwrap() {
        let acct = f["AwsAccountId"].as_str().unwrap();
        assert!(f["ProductArn"].as_str().unwrap().contains(acct), "{f}");
    }
    let (_, batches, _) = verify(&["--snapshot", &org(), "--format", "asff-batches"]);
    for line in batches.lines() {
        let b: Value = serde_json::from_str(line).unwrap();
        let fs = b["Findings"].as_array().unwrap();
        assert!(
            fs.iter()
                .all(|f| f["AwsAccountId"] == fs[0]["AwsAccountId"])
        );
    }
    let (_, sarif, _) = verify(&["--snapshot", &org(), "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| {
        r["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("account ")
    }));
    let (_, junit, _) = verify(&["--snapshot", &org(), "--format", "junit"]);
    assert!(junit.contains("<testsuite name=\"account 444444444444 3 "));
    assert_eq!(
        junit.matches("<testsuite ").count(),
        junit.matches("</testsuite>").count()
    );
    let (_, html, _) = verify(&["--snapshot", &org(), "--format", "html"]);
    assert!(html.contains("Accounts × controls"));
    assert!(html.contains("id=\"account-666666666666\""));
}

#[test]
fn shards_of_one_run_and_usage_errors() {
    // The same shard twice reads as one.
    let v = json(&["--snapshot", &org(), &org()]);
    assert_eq!(v["summary"]["accounts"], 7);
    let other = root().join("tests/data/org-other").display().to_string();
    let (c, _, err) = verify(&["--snapshot", &org(), &other]);
    assert_eq!(c, 2);
    assert!(
        err.contains("organization o-otherorg123, but") && err.contains("o-exampleorg1"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let bad = root().join("tests/data/org-bad").display().to_string();
    let (c, _, err) = verify(&["--snapshot", &bad]);
    assert_eq!(c, 2);
    assert!(err.contains("222222222222.json"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let one = root()
        .join("examples/snapshots/mixed.json")
        .display()
        .to_string();
    let (c, _, err) = verify(&["--snapshot", &org(), &one]);
    assert_eq!(c, 2);
    assert!(err.contains("not both"), "{err}");
}

#[test]
fn a_directory_of_account_snapshots() {
    let dir = root().join("examples/snapshots").display().to_string();
    let v = json(&["--snapshot", &dir]);
    assert_eq!(v["organization_id"], Value::Null);
    assert_eq!(v["summary"]["accounts"], 3);
}

/// The table of the test organization, byte for byte (its matrix rows and
/// failing findings wait in temporary files until the last account).
#[test]
fn organization_table_snapshot() {
    let (c, out, err) = verify(&["--snapshot", &org()]);
    assert_eq!(c, 1, "{err}");
    insta::assert_snapshot!("organization_table", out);
}

/// The test organization without the management account's snapshot: the
/// first account of the heatmap has no audit, so its row is written before
/// the number of columns is known.
#[test]
fn a_first_account_without_audit_spans_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts");
    std::fs::create_dir(&accounts).unwrap();
    let src = root().join("tests/data/org");
    std::fs::copy(
        src.join("organization.json"),
        dir.path().join("organization.json"),
    )
    .unwrap();
    for e in std::fs::read_dir(src.join("accounts")).unwrap() {
        let p = e.unwrap().path();
        if !p.ends_with("111111111111.json") {
            std::fs::copy(&p, accounts.join(p.file_name().unwrap())).unwrap();
        }
    }
    let d = dir.path().display().to_string();
    let (c, html, err) = verify(&["--snapshot", &d, "--format", "html"]);
    assert_eq!(c, 1, "{err}");
    let heat = html.split("class=\"small heatmap\"").nth(1).unwrap();
    let heat = heat.split("</table>").next().unwrap();
    let cols = heat.matches("<th title=").count();
    assert_eq!(cols, 49);
    // 111 (not collected), 555 (suspended) and 777 (not collected).
    assert_eq!(heat.matches(&format!("colspan=\"{cols}\"")).count(), 3);
    assert!(!heat.contains("<>"));
    let rows: Vec<usize> = ["111111111111", "222222222222", "777777777777"]
        .iter()
        .map(|id| heat.find(&format!("href=\"#account-{id}\"")).unwrap())
        .collect();
    assert!(rows.is_sorted(), "{rows:?}");
    let sections: Vec<usize> = ["111111111111", "222222222222", "777777777777"]
        .iter()
        .map(|id| html.find(&format!("id=\"account-{id}\"")).unwrap())
        .collect();
    assert!(sections.is_sorted() && sections[0] > html.find("</table>").unwrap());
    let (c, table, err) = verify(&["--snapshot", &d]);
    assert_eq!(c, 1, "{err}");
    let first = table
        .lines()
        .find(|l| l.starts_with("111111111111"))
        .unwrap();
    assert_eq!(
        first,
        "111111111111  NOT_COLLECTED (no snapshot of the account is in this run)"
    );
}

/// The table and the HTML report need temporary files: when none can be
/// made, a one-line error and exit 2; the other formats need none.
#[test]
fn no_temporary_file_is_a_usage_error() {
    let missing = tempfile::tempdir().unwrap().path().join("missing");
    for format in ["table", "html"] {
        let o = crate::common::bin()
            .args(["verify", "--snapshot", &org(), "--format", format])
            .env("TMPDIR", &missing)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{format}: {err}");
        assert!(stdout(&o).is_empty(), "{format}");
        assert!(
            err.contains("cannot create a temporary file: ")
                && err.contains(&format!(
                    "(in {}: TMPDIR sets the directory)",
                    missing.display()
                )),
            "{format}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{format}: {err}");
    }
    let o = crate::common::bin()
        .args(["verify", "--snapshot", &org(), "--format", "json"])
        .env("TMPDIR", &missing)
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}
