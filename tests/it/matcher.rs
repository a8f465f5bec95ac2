//! The matcher on CloudTrail samples, and the `test` and `replay` commands.

use std::path::PathBuf;

use cis_filters::cis::benchmarks;
use cis_filters::matcher::{Matcher, input};

use crate::common::{code, run, stderr, stdout};

fn cloudtrail(dir: &str, control: &str) -> PathBuf {
    crate::common::root()
        .join("tests/data/cloudtrail")
        .join(dir)
        .join(format!("{control}.json"))
}

const MONITORING: [&str; 14] = [
    "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13",
    "3.14",
];

/// Every accepted canonical form of every CIS v1.2.0 monitoring control
/// matches each of its sample events and none of its near misses.
#[test]
fn canonical_patterns_on_cloudtrail_samples() {
    let bench = benchmarks::benchmark("cis-1.2").expect("cis-1.2");
    for control in MONITORING {
        let row = bench.row(control).expect("row");
        let hits = std::fs::read_to_string(cloudtrail("match", control)).unwrap();
        let misses = std::fs::read_to_string(cloudtrail("near-miss", control)).unwrap();
        let (layout, hit_events) = input::split(&hits).unwrap();
        assert_eq!(layout, input::Layout::CloudTrail);
        let (_, miss_events) = input::split(&misses).unwrap();
        assert!(hit_events.len() >= 2 && miss_events.len() >= 3, "{control}");
        for pattern in row.canonical {
            let m = Matcher::new(pattern).unwrap();
            for e in &hit_events {
                assert!(
                    m.matches(e.message),
                    "{control} {pattern} must match line {}: {}",
                    e.line,
                    e.message
                );
            }
            for e in &miss_events {
                assert!(
                    !m.matches(e.message),
                    "{control} {pattern} must not match line {}: {}",
                    e.line,
                    e.message
                );
            }
        }
    }
}

#[test]
fn test_prints_matching_events_and_exits_by_result() {
    let events = "{\"eventName\":\"ConsoleLogin\"}\n{\"eventName\":\"Other\"}\nnot json\n";
    let o = run(&["test", r#"{ $.eventName = "ConsoleLogin" }"#], events);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"eventName\":\"ConsoleLogin\"}\n");
    assert!(
        stderr(&o).contains("1 of 3 events are not JSON objects"),
        "{}",
        stderr(&o)
    );

    let o = run(
        &["test", "--count", r#"{ $.eventName = "Nothing" }"#],
        events,
    );
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "0\n");

    let o = run(&["test", "--format", "json", "ConsoleLogin"], events);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["matched"], 1);
    assert_eq!(v["total"], 3);
    assert_eq!(v["events"][0]["line"], 1);
    assert_eq!(v["events"][0]["source"], "<stdin>");
    assert_eq!(
        v["events"][0]["message"],
        "{\"eventName\":\"ConsoleLogin\"}"
    );
}

#[test]
fn test_explains_the_deciding_term() {
    // DataBiosphere/azul #5884: `!=` on a missing field never matches.
    let o = run(&["test", "--explain", r#"{ $.a != "x" }"#], "{\"b\":1}\n");
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("no match"), "{out}");
    assert!(out.contains("`$.a != x`: the field is missing"), "{out}");

    let o = run(
        &[
            "test",
            "--explain",
            "--format",
            "json",
            "{ $.a = 1 || $.b = 2 }",
        ],
        "{\"a\":5,\"b\":2}\n",
    );
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let e = &v["events"][0];
    assert_eq!(e["matched"], true);
    assert_eq!(e["explanation"].as_array().unwrap().len(), 1);
    assert_eq!(e["explanation"][0]["term"], "$.b = 2");
    assert_eq!(e["explanation"][0]["found"], "2");
}

#[test]
fn test_reads_gzip_cloudtrail_files() {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("cis-filters-matcher-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gz = dir.join("trail.json.gz");
    let raw = std::fs::read(cloudtrail("match", "3.5")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&raw).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let o = run(
        &[
            "test",
            "--count",
            "{ $.eventName = StopLogging }",
            gz.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "1\n");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn test_input_errors_exit_2() {
    let o = run(&["test", "{ $.a = ", "-"], "");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("expected a value"), "{}", stderr(&o));
    let o = run(&["test", "x", "/nonexistent/file.json"], "");
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot read `/nonexistent/file.json`"),
        "{}",
        stderr(&o)
    );
    let o = run(&["test", "%(a)%", "-"], "");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn replay_counts_each_control_on_its_samples() {
    let files: Vec<String> = MONITORING
        .iter()
        .map(|c| cloudtrail("match", c).to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["replay", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let o = run(&args, "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["benchmark"], "cis-1.2");
    assert_eq!(v["json_events"], v["total"]);
    let controls = v["controls"].as_array().unwrap();
    for c in MONITORING {
        let row = controls.iter().find(|r| r["control"] == c).unwrap();
        let own = input::split(&std::fs::read_to_string(cloudtrail("match", c)).unwrap())
            .unwrap()
            .1
            .len();
        // At least its own samples fire it (another control's samples may too).
        assert!(row["matched"].as_u64().unwrap() >= own as u64, "{c}: {row}");
        assert!(!row["examples"].as_array().unwrap().is_empty());
    }

    let miss = cloudtrail("near-miss", "3.3");
    let o = run(
        &[
            "replay",
            "--benchmark",
            "securityhub",
            miss.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.contains("CloudWatch.1") && out.contains("alarms would have fired"),
        "{out}"
    );

    let o = run(
        &["replay", "--benchmark", "nope", miss.to_str().unwrap()],
        "",
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown benchmark `nope`"));
}

#[test]
fn help_teaches_with_examples() {
    for cmd in ["test", "replay"] {
        let o = run(&[cmd, "--help"], "");
        assert_eq!(code(&o), 0);
        assert!(stdout(&o).contains("Examples:"), "{cmd}");
        assert!(stdout(&o).contains("Exit codes:"), "{cmd}");
    }
}
