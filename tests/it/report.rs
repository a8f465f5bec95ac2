//! The reports other tools and people read, checked by their own readers:
//! the HTML report loaded in headless Chromium (no console error, the chain
//! of a failing control in the rendered DOM, a screenshot of each example for
//! review), the OCSF output validated with py-ocsf-models, the ASFF import
//! batches, and the GitHub Action kept in step with `lint`'s options.
//!
//! Chromium and the Python packages: `scripts/test.sh` runs
//! `scripts/report-tools.sh`, which installs them (Debian's `chromium` with
//! apt-get, the packages from PyPI into a virtual environment in the target
//! directory) and exports `CIS_FILTERS_CHROMIUM` and
//! `CIS_FILTERS_REPORT_PYTHON`. Without those variables these tests call the
//! same script; a machine where Chromium cannot be had fails them with a
//! message saying how to get it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common;

/// The target directory of this build (the parent of `CARGO_TARGET_TMPDIR`).
fn target_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map_or(tmp.clone(), Path::to_path_buf)
}

/// Where screenshots and rendered reports are written for review.
fn out_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-review");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `scripts/report-tools.sh WHAT`, or the variable that names its answer.
fn tool(var: &str, what: &str) -> String {
    if let Ok(v) = std::env::var(var)
        && !v.is_empty()
    {
        return v;
    }
    let out = Command::new("bash")
        .arg(common::root().join("scripts/report-tools.sh"))
        .arg(what)
        .env("CARGO_TARGET_DIR", target_dir())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run scripts/report-tools.sh: {e}"));
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success() && !path.is_empty(),
        "{what} is needed by the report tests and could not be installed: run \
         `bash scripts/report-tools.sh {what}` (as root for Chromium, which it installs with \
         apt-get), or set {var}"
    );
    path
}

/// Python with py-ocsf-models and websocket-client.
fn python() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| tool("CIS_FILTERS_REPORT_PYTHON", "python"))
}

/// Headless Chromium.
fn chromium() -> &'static str {
    static C: OnceLock<String> = OnceLock::new();
    C.get_or_init(|| tool("CIS_FILTERS_CHROMIUM", "chromium"))
}

fn snapshot(name: &str) -> String {
    common::root()
        .join("examples/snapshots")
        .join(format!("{name}.json"))
        .display()
        .to_string()
}

/// `verify --snapshot examples/snapshots/NAME.json --format FORMAT`.
fn verify(name: &str, format: &str) -> String {
    let o = common::run(
        &["verify", "--snapshot", &snapshot(name), "--format", format],
        "",
    );
    assert!([0, 1].contains(&common::code(&o)), "{}", common::stderr(&o));
    common::stdout(&o)
}

/// Load `page` in Chromium; returns the errors and the value of each check.
fn browse(page: &Path, shot: &Path, checks: &[&str]) -> (Vec<String>, Vec<Value>) {
    // One browser at a time: two Chromium start-ups at once on a small,
    // busy machine can each take longer than the start-up allows.
    static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let o = Command::new(python())
        .arg(common::root().join("tests/report/browser.py"))
        .arg(chromium())
        .arg(page)
        .arg(shot)
        .args(checks)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "browser.py failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let errors = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap_or("").to_owned())
        .collect();
    let values = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert!(c.get("exception").is_none(), "check threw: {c}");
            c["value"].clone()
        })
        .collect();
    eprintln!("screenshot for review: {}", shot.display());
    (errors, values)
}

/// The script ran (the Content-Security-Policy let it).
const SCRIPT_RAN: &str = "document.documentElement.classList.contains('js')";
/// How many controls and chain diagrams the page has.
const COUNTS: &str = "JSON.stringify([document.querySelectorAll('#filterable tbody tr').length, \
     document.querySelectorAll('svg.diagram').length])";
/// Unticking PASSED hides exactly the PASSED rows.
const FILTER_WORKS: &str = "(function () { \
     var b = document.querySelector('#filters input[value=PASSED]'); b.checked = false; \
     b.dispatchEvent(new Event('change')); \
     var rows = Array.from(document.querySelectorAll('#filterable tbody tr')); \
     var ok = rows.every(function (r) { return r.hidden === (r.dataset.status === 'PASSED'); }); \
     b.checked = true; b.dispatchEvent(new Event('change')); \
     return ok && rows.every(function (r) { return !r.hidden; }); }())";
/// The chain of the first FAILED monitoring control: its id, the links'
/// states in order, whether every box is laid out with a size, and the
/// explanation's text.
const FAILED_CHAIN: &str = "(function () { \
     var c = document.querySelector('.chain[data-status=FAILED]'); if (!c) { return null; } \
     var nodes = Array.from(c.querySelectorAll('svg.diagram g.node')); \
     return { control: c.dataset.control, \
       links: nodes.map(function (n) { return n.dataset.link + ':' + n.dataset.state; }), \
       laidOut: nodes.every(function (n) { var r = n.getBoundingClientRect(); return r.width > 50 && r.height > 30; }), \
       explained: c.querySelector('.explain').textContent, \
       relation: (c.querySelector('.witness') || {dataset: {}}).dataset.relation || null, \
       missed: (c.querySelector('.witness pre.missed') || {}).textContent || null }; }())";

fn html_report(name: &str) -> (Vec<String>, Vec<Value>) {
    let page = out_dir().join(format!("verify-{name}.html"));
    std::fs::write(&page, verify(name, "html")).unwrap();
    let shot = out_dir().join(format!("verify-{name}.png"));
    browse(
        &page,
        &shot,
        &[SCRIPT_RAN, COUNTS, FILTER_WORKS, FAILED_CHAIN],
    )
}

#[test]
fn html_mixed_in_chromium() {
    let (errors, v) = html_report("mixed");
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert_eq!(v[0], true, "the inline script did not run");
    assert_eq!(v[1], "[49,15]");
    assert_eq!(v[2], true, "status filter");
    let chain = &v[3];
    assert_eq!(chain["control"], "3.2");
    assert_eq!(
        chain["links"],
        serde_json::json!([
            "trail:ok",
            "log_group:ok",
            "metric_filter:broken",
            "alarm:not-reached",
            "topic:not-reached",
            "subscription:not-reached"
        ])
    );
    assert_eq!(chain["laidOut"], true);
    let text = chain["explained"].as_str().unwrap();
    assert!(
        text.contains("CLOUDTRAIL_METRIC_FILTER_NOT_VALID"),
        "{text}"
    );
    assert!(text.contains("Broken at: Metric filter"), "{text}");
    // What the near-miss filter means, with the event it misses.
    assert_eq!(chain["relation"], "disjoint", "{chain}");
    let missed = chain["missed"].as_str().unwrap();
    assert!(missed.starts_with('{'), "{missed}");
}

#[test]
fn html_noncompliant_in_chromium() {
    let (errors, v) = html_report("noncompliant");
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert_eq!(v[0], true);
    assert_eq!(v[1], "[49,15]");
    assert_eq!(v[2], true);
    let chain = &v[3];
    let links: Vec<&str> = chain["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(links.len(), 6);
    assert_eq!(
        links.iter().filter(|l| l.ends_with(":broken")).count(),
        1,
        "{links:?}"
    );
    assert!(chain["explained"].as_str().unwrap().contains("Broken at"));
}

#[test]
fn html_compliant_in_chromium() {
    let (errors, v) = html_report("compliant");
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert_eq!(v[0], true);
    assert_eq!(v[1], "[49,15]");
    assert_eq!(v[2], true);
    // No monitoring control fails in the compliant account.
    assert_eq!(v[3], Value::Null);
}

#[test]
fn lint_html_in_chromium() {
    let o = common::bin()
        .current_dir(common::root().join("tests/data/lint"))
        .args([
            "lint",
            "--format",
            "html",
            "--require",
            "all",
            "terraform",
            "cloudformation",
        ])
        .output()
        .unwrap();
    assert_eq!(common::code(&o), 1, "{}", common::stderr(&o));
    let page = out_dir().join("lint.html");
    std::fs::write(&page, &o.stdout).unwrap();
    let (errors, v) = browse(
        &page,
        &out_dir().join("lint.png"),
        &[
            SCRIPT_RAN,
            "document.querySelectorAll('#filterable tbody tr[data-status=FAILED]').length",
            "document.querySelector('#required') !== null",
        ],
    );
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert_eq!(v[0], true);
    assert!(v[1].as_u64().unwrap() > 0);
    assert_eq!(v[2], true);
}

/// The HTML report names no external resource and has exactly one script,
/// its own.
#[test]
fn html_is_self_contained() {
    for name in ["compliant", "mixed", "noncompliant"] {
        let s = verify(name, "html");
        assert_eq!(s.matches("<script").count(), 1);
        // (Account text may contain URLs, escaped as text; no markup refers to one.)
        for needle in [
            "href=\"http",
            " src=",
            "<link",
            "@import",
            "url(",
            "<iframe",
            "<object",
            "<embed",
            "<img",
        ] {
            assert!(!s.contains(needle), "{name}: {needle}");
        }
        assert!(s.contains("content=\"default-src 'none';"), "{name}: CSP");
    }
}

/// Run the OCSF validator over `events`; (success, output).
fn validate_ocsf(events: &str) -> (bool, String) {
    let mut child = Command::new(python())
        .arg(common::root().join("tests/report/ocsf_validate.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(events.as_bytes())
            .unwrap();
    }
    let o = child.wait_with_output().unwrap();
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn ocsf_validates_against_the_schema_models() {
    for name in ["compliant", "mixed", "noncompliant"] {
        let text = verify(name, "ocsf");
        let (ok, out) = validate_ocsf(&text);
        assert!(ok, "{name}: {out}");
        assert!(out.starts_with("ok "), "{out}");
        let events: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert!(events.iter().all(|e| e["class_uid"] == 2003));
    }
}

/// The validator is not a rubber stamp: a field OCSF does not define, a
/// wrong type and a missing required field each fail it.
#[test]
fn ocsf_validator_rejects_bad_events() {
    let text = verify("mixed", "ocsf");
    let events: Vec<Value> = serde_json::from_str(&text).unwrap();
    let first = events[0].clone();
    let mut unknown = first.clone();
    unknown["finding_info"]["bogus"] = "x".into();
    let mut wrong_type = first.clone();
    wrong_type["severity_id"] = "high".into();
    let mut missing = first.clone();
    missing.as_object_mut().unwrap().remove("finding_info");
    for (what, bad) in [
        ("unknown field", unknown),
        ("wrong type", wrong_type),
        ("missing field", missing),
    ] {
        let (ok, out) = validate_ocsf(&serde_json::to_string(&vec![bad]).unwrap());
        assert!(!ok, "{what} passed: {out}");
    }
}

#[test]
fn asff_batches_are_import_ready() {
    let text = verify("noncompliant", "asff-batches");
    let all: Vec<Value> = serde_json::from_str(&verify("noncompliant", "asff")).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let list = v["Findings"].as_array().unwrap();
        assert!(!list.is_empty() && list.len() <= 100);
        for f in list {
            assert!(serde_json::to_string(f).unwrap().len() <= 240 * 1024);
            assert!(f["GeneratorId"].as_str().unwrap().starts_with(
                "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/"
            ));
            assert_eq!(
                f["ProductArn"],
                "arn:aws:securityhub:us-east-1:409318256711:product/409318256711/default"
            );
        }
        n += list.len();
    }
    assert_eq!(n, all.len());
    assert!(
        text.lines().count() >= 2,
        "more than 100 findings: two batches or more"
    );
}

#[test]
fn unknown_format_lists_the_new_ones() {
    let o = common::run(
        &[
            "verify",
            "--snapshot",
            &snapshot("mixed"),
            "--format",
            "pdf",
        ],
        "",
    );
    assert_eq!(common::code(&o), 2);
    let e = common::stderr(&o);
    for f in ["html", "ocsf", "asff-batches"] {
        assert!(e.contains(f), "{e}");
    }
}
