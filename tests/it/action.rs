//! The GitHub Action (`action.yml`) kept in step with `cis-filters lint`:
//! its inputs map to lint options that exist, the install step builds the
//! command line without the AWS SDK, and the lint step's script, run here
//! with bash against the real binary, passes options lint accepts.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use cis_filters::lint::yaml::{self, Node};

use crate::common;

fn action() -> Node {
    let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    yaml::parse(&text).unwrap().unwrap()
}

fn step<'a>(action: &'a Node, name: &str) -> &'a Node {
    action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .unwrap()
        .items()
        .iter()
        .find(|s| s.get("name").and_then(Node::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no step named {name}"))
}

fn script<'a>(action: &'a Node, name: &str) -> &'a str {
    step(action, name)
        .get("run")
        .and_then(Node::as_str)
        .unwrap()
}

/// The inputs and their defaults.
fn inputs(action: &Node) -> BTreeMap<String, String> {
    action
        .get("inputs")
        .unwrap()
        .entries()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_owned(),
                v.get("default")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect()
}

/// The long options `lint --help` lists.
fn lint_flags() -> (Vec<String>, String) {
    let o = common::run(&["lint", "--help"], "");
    assert_eq!(common::code(&o), 0);
    let help = common::stdout(&o);
    let mut flags: Vec<String> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '=' || c == '[' || c == '<')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .collect();
    flags.sort();
    flags.dedup();
    (flags, help)
}

#[test]
fn inputs_and_flags_agree_with_lint_help() {
    let a = action();
    assert_eq!(
        a.get("runs")
            .and_then(|r| r.get("using"))
            .and_then(Node::as_str),
        Some("composite")
    );
    let (flags, help) = lint_flags();
    // Every input that is a lint option names an option lint has; the
    // others are the action's own.
    let to_flag = [
        ("benchmark", Some("--benchmark")),
        ("match", Some("--match")),
        ("require", Some("--require")),
        ("fail-level", Some("--deny")),
        ("paths", None),
        ("annotations", Some("--format")),
        ("sarif-file", Some("--format")),
        ("upload-sarif", None),
    ];
    let ins = inputs(&a);
    let names: Vec<&str> = ins.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = to_flag.iter().map(|(i, _)| *i).collect();
    expected.sort();
    assert_eq!(
        names, expected,
        "inputs changed: update this test and docs/lint.md"
    );
    let lint = script(&a, "Lint");
    for (input, flag) in to_flag {
        if let Some(f) = flag {
            assert!(
                flags.iter().any(|x| x == f),
                "lint has no {f} (input {input})"
            );
            assert!(lint.contains(f), "the Lint step does not pass {f}");
        }
        let env = format!("${{{{ inputs.{input} }}}}");
        let used = step(&a, "Lint")
            .get("env")
            .unwrap()
            .entries()
            .iter()
            .any(|(_, v)| v.as_str() == Some(env.as_str()));
        assert!(
            used || input == "upload-sarif",
            "input {input} unused by Lint"
        );
    }
    // Every option the script passes is one lint has.
    for word in lint.split_whitespace() {
        let w = word.trim_matches(|c: char| c == '(' || c == ')' || c == '"');
        if w.starts_with("--") && w.len() > 2 {
            assert!(flags.iter().any(|x| x == w), "lint has no {w}");
        }
    }
    // The values the script picks are values lint's help lists.
    for value in ["sarif", "github", "warnings"] {
        assert!(help.contains(value), "lint --help lacks {value}");
    }
    // The defaults are values lint accepts.
    assert!(help.contains(&ins["benchmark"]));
    assert!(help.contains(&ins["match"]));
    // Installed without the AWS SDK, from the action's own checkout.
    let install = script(
        &a,
        "Install cis-filters (command line, without the AWS SDK)",
    );
    assert!(install.contains("--locked --path \"$GITHUB_ACTION_PATH\""));
    assert!(install.contains("--no-default-features --features cli"));
    let cargo = std::fs::read_to_string(common::root().join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains("\ncli = ["),
        "Cargo.toml has no `cli` feature"
    );
    // The cache and the SARIF upload use the maintained actions.
    let uses: Vec<&str> = a
        .get("runs")
        .and_then(|r| r.get("steps"))
        .unwrap()
        .items()
        .iter()
        .filter_map(|s| s.get("uses").and_then(Node::as_str))
        .collect();
    assert!(uses.iter().any(|u| u.starts_with("actions/cache@")));
    assert!(
        uses.iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@"))
    );
}

/// Run the Lint step's script with bash, the real binary first on PATH,
/// in `tests/data/lint`, with the inputs' defaults overridden by `set`.
fn run_lint_step(set: &[(&str, &str)]) -> (Output, BTreeMap<String, String>, PathBuf) {
    let a = action();
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "action-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let outputs = dir.join("github-output");
    std::fs::write(&outputs, "").unwrap();
    let sarif = dir.join("out.sarif");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cis-filters"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(script(&a, "Lint"))
        .current_dir(common::root().join("tests/data/lint"))
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("GITHUB_OUTPUT", &outputs);
    for (k, v) in inputs(&a) {
        cmd.env(format!("INPUT_{}", k.to_uppercase().replace('-', "_")), v);
    }
    cmd.env("INPUT_SARIF_FILE", &sarif);
    for (k, v) in set {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let out: BTreeMap<String, String> = std::fs::read_to_string(&outputs)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (o, out, sarif)
}

#[test]
fn lint_step_runs_against_the_binary() {
    // Errors in the fixtures: SARIF written, annotations printed, exit code 1
    // recorded for the last step (the step itself succeeds so the upload runs).
    let (o, out, sarif) = run_lint_step(&[
        ("INPUT_PATHS", "terraform\ncloudformation"),
        ("INPUT_REQUIRE", "all"),
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(out["exit-code"], "1");
    assert_eq!(out["sarif-file"], sarif.display().to_string());
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    assert!(
        common::stdout(&o)
            .lines()
            .any(|l| l.starts_with("::error "))
    );
    // No annotations when switched off.
    let (o, _, _) = run_lint_step(&[("INPUT_PATHS", "terraform"), ("INPUT_ANNOTATIONS", "false")]);
    assert!(!common::stdout(&o).contains("::"));
    // A bad fail level is a usage error of the step itself.
    let (o, out, _) = run_lint_step(&[("INPUT_FAIL_LEVEL", "sometimes")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stdout(&o).contains("fail-level"));
    assert!(!out.contains_key("sarif-file"));
    // A benchmark lint does not know stops the step with lint's usage error.
    let (o, out, _) = run_lint_step(&[("INPUT_BENCHMARK", "cis-9.9")]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(out["exit-code"], "2");
}
