//! `cis-filters lint` on the real binary: the fixtures under
//! `tests/data/lint/` (`shapes/` holds the shapes real modules and templates
//! take), every output format and the exit codes.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use crate::common;

fn fixtures() -> PathBuf {
    common::root().join("tests/data/lint")
}

fn shapes() -> PathBuf {
    fixtures().join("shapes")
}

/// Run `cis-filters lint ARGS` in `dir`.
fn lint_in(dir: &Path, args: &[&str]) -> Output {
    common::bin()
        .current_dir(dir)
        .arg("lint")
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

/// Each shape linted on its own, human output and exit code.
#[test]
fn shapes_one_by_one() {
    for (name, path) in [
        ("locals_map", "locals_map"),
        ("toggles", "toggles"),
        ("modules", "modules"),
        ("trail_yaml", "cloudformation/trail.yaml"),
        ("folded_yml", "cloudformation/folded.yml"),
        ("sample_json", "cloudformation/sample.json"),
    ] {
        let out = lint_in(&shapes(), &[path]);
        let code = common::code(&out);
        assert!(code == 0 || code == 1, "{name}: {}", common::stderr(&out));
        snapshot_settings().bind(|| {
            insta::assert_snapshot!(
                format!("shapes_{name}"),
                format!("exit {code}\n{}", common::stdout(&out))
            );
        });
    }
}

/// The shapes under the Security Hub benchmark, as JSON: one line per
/// filter with its control and verdict (the verdicts a reviewer checks).
#[test]
fn shapes_verdicts_securityhub() {
    let out = lint_in(
        &shapes(),
        &["--format", "json", "--benchmark", "securityhub", "."],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut lines = Vec::new();
    for f in v["filters"].as_array().unwrap() {
        lines.push(format!(
            "{}:{} {} -> {} {} {}",
            f["location"]["path"].as_str().unwrap(),
            f["location"]["line"],
            f["resource"].as_str().unwrap(),
            f["control"].as_str().unwrap_or("-"),
            f["matched_by"].as_str().unwrap_or("-"),
            f["verdict"].as_str().unwrap_or("-"),
        ));
    }
    snapshot_settings().bind(|| {
        insta::assert_snapshot!("shapes_verdicts_securityhub", lines.join("\n"));
    });
}

/// Every extraction form and rule, per fixture directory.
#[test]
fn fixtures_human() {
    for dir in [
        "terraform",
        "terraform_json",
        "cloudformation",
        "encoding",
        "modules",
    ] {
        let out = lint_in(&fixtures(), &[dir]);
        snapshot_settings().bind(|| {
            insta::assert_snapshot!(
                format!("fixtures_{dir}"),
                format!("exit {}\n{}", common::code(&out), common::stdout(&out))
            );
        });
    }
}

/// One fixture per rule (`tests/data/lint/rules/<code>/`), each giving
/// that rule's diagnostic and no other; every rule has one, and
/// `docs/lint.md` a section headed with its code, name and level.
#[test]
fn one_fixture_and_one_section_per_rule() {
    use cis_filters::lint::Rule;
    let dir = fixtures().join("rules");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let codes: Vec<String> = Rule::ALL.iter().map(|r| r.code().to_owned()).collect();
    assert_eq!(
        found,
        codes,
        "one directory per rule under {}",
        dir.display()
    );
    let docs = std::fs::read_to_string(common::root().join("docs/lint.md")).unwrap();
    for rule in Rule::ALL {
        let code = rule.code();
        let heading = format!("### {code} {} ({})", rule.name(), rule.level().as_str());
        assert!(docs.contains(&heading), "docs/lint.md lacks `{heading}`");
        let mut args = vec!["--format", "json"];
        if *rule == Rule::CisMissing {
            args.extend(["--require", "3.3,3.13"]);
        }
        let path = format!("rules/{code}");
        args.push(&path);
        let out = lint_in(&fixtures(), &args);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut got: Vec<&str> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        got.dedup();
        assert_eq!(got, [code], "{path}");
        args.drain(..2);
        let human = lint_in(&fixtures(), &args);
        snapshot_settings().bind(|| {
            insta::assert_snapshot!(
                format!("rule_{code}"),
                format!("exit {}\n{}", common::code(&human), common::stdout(&human))
            );
        });
    }
}

#[test]
fn json_output_contract() {
    let out = lint_in(&fixtures(), &["--format", "json", "terraform/rules"]);
    assert_eq!(common::code(&out), 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"], "cis-filters");
    assert_eq!(v["benchmark"], "cis-1.2");
    assert_eq!(v["mode"], "normalized");
    assert_eq!(v["files_scanned"], 1);
    assert_eq!(v["suppressed"], 1);
    for d in v["diagnostics"].as_array().unwrap() {
        for key in [
            "code", "rule", "level", "message", "location", "help", "notes", "related",
        ] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
    }
    for f in v["filters"].as_array().unwrap() {
        for key in [
            "location", "resource", "kind", "format", "pattern", "valid", "control", "verdict",
            "passes",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
    }
    let never = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CF0300")
        .unwrap();
    assert_eq!(never["location"]["path"], "terraform/rules/main.tf");
    assert_eq!(never["location"]["line"], 4);
    // The two conditions, and each of them as a related location.
    assert_eq!(never["location"]["column"], 17);
    assert_eq!(never["location"]["end_column"], 108);
    assert_eq!(never["related"][0]["location"]["column"], 17);
    assert_eq!(never["related"][1]["location"]["column"], 66);
    snapshot_settings().bind(|| {
        insta::assert_snapshot!("fixtures_rules_json", common::stdout(&out));
    });
}

/// The SARIF log validates against the official SARIF 2.1.0 schema
/// (vendored in tests/data/sarif-2.1.0-schema.json).
#[test]
fn sarif_is_valid() {
    let text =
        std::fs::read_to_string(common::root().join("tests/data/sarif-2.1.0-schema.json")).unwrap();
    // The official schema's `language` patterns have an unescaped `]` that
    // this validator's regex engine rejects; escape it (no output written
    // here has a `language`).
    let broken = "-[a-zA-Z]{2}]?$";
    assert_eq!(text.matches(broken).count(), 2);
    let schema: serde_json::Value =
        serde_json::from_str(&text.replace(broken, "-[a-zA-Z]{2}\\\\]?$")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for (dir, args) in [
        (fixtures(), vec!["--format", "sarif", "."]),
        (shapes(), vec!["--format", "sarif", "--require", "all", "."]),
    ] {
        let out = lint_in(&dir, &args);
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    }
    // A broken log is caught (the test can fail).
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn github_annotations() {
    let out = lint_in(&fixtures(), &["--format", "github", "terraform/rules"]);
    let s = common::stdout(&out);
    assert!(
        s.lines().any(|l| l.starts_with(
            "::warning file=terraform/rules/main.tf,line=4,col=17,endColumn=108,title=CF0300 never-matches::"
        )),
        "{s}"
    );
    assert!(s.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
}

#[test]
fn exit_codes() {
    // Warnings only: 0, or 1 with --deny warnings.
    let dir = fixtures().join("terraform/rules");
    let args = ["--disable", "CF0200", "main.tf"];
    assert_eq!(common::code(&lint_in(&dir, &args)), 0);
    let mut deny = args.to_vec();
    deny.extend(["--deny", "warnings"]);
    assert_eq!(common::code(&lint_in(&dir, &deny)), 1);
    // Usage errors: 2.
    for bad in [
        vec!["--benchmark", "cis-9"],
        vec!["--match", "loose"],
        vec!["--require", "3.99"],
        vec!["--control", "nope"],
        vec!["--disable", "CF9999"],
        vec!["--format", "xml"],
    ] {
        let out = lint_in(&dir, &bad);
        assert_eq!(common::code(&out), 2, "{bad:?}: {}", common::stderr(&out));
        assert!(common::stderr(&out).contains("error"), "{bad:?}");
    }
    // A path that does not exist: 2, and the other paths are still linted.
    let out = lint_in(&dir, &["no-such-dir", "main.tf"]);
    assert_eq!(common::code(&out), 2);
    assert!(common::stderr(&out).contains("cannot read `no-such-dir`"));
    assert!(common::stdout(&out).contains("CF0300"));
}

#[test]
fn strict_match_turns_equivalent_into_errors() {
    let dir = fixtures().join("terraform/rules");
    let normal = common::stdout(&lint_in(&dir, &["--format", "json", "main.tf"]));
    let strict = common::stdout(&lint_in(
        &dir,
        &["--format", "json", "--match", "strict", "main.tf"],
    ));
    assert!(normal.contains("\"CF0201\""));
    assert!(!strict.contains("\"CF0201\""));
    let v: serde_json::Value = serde_json::from_str(&strict).unwrap();
    let vpc = v["filters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == "aws_cloudwatch_log_metric_filter.vpc")
        .unwrap();
    assert_eq!(vpc["verdict"], "equivalent");
    assert_eq!(vpc["passes"], false);
}

#[test]
fn require_lists_what_is_missing() {
    let out = lint_in(&shapes(), &["--require", "all", "locals_map"]);
    assert_eq!(common::code(&out), 1);
    let s = common::stdout(&out);
    // The map's MFA filter has four terms; cis-1.2 prescribes two.
    assert!(
        s.contains("error[CF0202]: no metric filter in these files passes cis-1.2 3.2"),
        "{s}"
    );
    assert!(!s.contains("passes cis-1.2 3.1 "), "{s}");
    let out = lint_in(
        &shapes(),
        &[
            "--require",
            "all",
            "--benchmark",
            "securityhub",
            "--format",
            "json",
            "locals_map",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let required = v["required"].as_array().unwrap();
    assert_eq!(required.len(), 14);
    let missing: Vec<&str> = required
        .iter()
        .filter(|r| r["passed_by"].as_array().unwrap().is_empty())
        .map(|r| r["control"].as_str().unwrap())
        .collect();
    assert_eq!(missing, Vec::<&str>::new(), "{}", common::stdout(&out));
}

/// A directory of its own under the system's temporary directory, removed
/// when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("cis-filters-lint-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn filter_tf(name: &str) -> String {
    format!(
        "resource \"aws_cloudwatch_log_metric_filter\" \"{name}\" {{\n  pattern = \"{{ $.a = \\\"x\\\" }}\"\n}}\n"
    )
}

/// The resources a JSON report lists, and its skipped paths.
fn resources_and_skipped(out: &Output) -> (Vec<String>, Vec<String>) {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut resources: Vec<String> = v["filters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap().to_owned())
        .collect();
    resources.sort();
    let skipped = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect();
    (resources, skipped)
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .expect("git")
        .success();
    assert!(ok, "git {args:?}");
}

/// Inside a git work tree, what git ignores is skipped (and listed), but a
/// tracked file is read whatever `.gitignore` says; symbolic links are
/// followed, a loop is skipped; tool directories are skipped unless named;
/// a file named on the command line is read even when ignored. Outside a
/// work tree, `.gitignore` means nothing.
#[test]
fn discovery_reads_what_git_tracks_and_follows_links() {
    let s = Scratch::new("discovery");
    let repo = s.0.join("repo");
    s.write("repo/.gitignore", "ignored.tf\nbuild/\ntracked.tf\n");
    for name in ["kept", "ignored", "tracked"] {
        s.write(&format!("repo/{name}.tf"), &filter_tf(name));
    }
    s.write("repo/build/main.tf", &filter_tf("built"));
    s.write("repo/.terraform/modules/m/main.tf", &filter_tf("vendored"));
    s.write("outside/main.tf", &filter_tf("linked_dir"));
    s.write("outside_file.tf", &filter_tf("linked_file"));
    std::os::unix::fs::symlink("../outside", repo.join("linked")).unwrap();
    std::os::unix::fs::symlink("../outside_file.tf", repo.join("alias.tf")).unwrap();
    std::os::unix::fs::symlink("..", s.0.join("outside/up")).unwrap();
    std::os::unix::fs::symlink(".", repo.join("loop")).unwrap();
    git(&repo, &["init", "-q", "."]);
    git(&repo, &["add", "-f", "tracked.tf", "kept.tf", ".gitignore"]);
    git(&repo, &["commit", "-q", "-m", "x"]);

    let out = lint_in(&repo, &["--format", "json"]);
    let (resources, skipped) = resources_and_skipped(&out);
    let r = |n: &str| format!("aws_cloudwatch_log_metric_filter.{n}");
    assert_eq!(
        resources,
        [r("kept"), r("linked_dir"), r("linked_file"), r("tracked")],
        "{}",
        common::stderr(&out)
    );
    assert_eq!(
        skipped,
        [
            ".terraform/: a tool's directory (name it to lint it)",
            "build/: ignored by git",
            "ignored.tf: ignored by git",
            "linked/up/: a symbolic link to a directory above it (a loop); its files are linted there",
            "loop/: a symbolic link to a directory above it (a loop); its files are linted there",
        ],
        "{}",
        common::stderr(&out)
    );
    assert!(
        common::stderr(&out).contains("skipped: `build/`: ignored by git"),
        "{}",
        common::stderr(&out)
    );
    // Named on the command line: read, ignored or not.
    let out = lint_in(&repo, &["--format", "json", "ignored.tf", ".terraform"]);
    let (resources, _) = resources_and_skipped(&out);
    assert_eq!(resources, [r("ignored"), r("vendored")]);
    // Outside a git work tree, `.gitignore` is not applied.
    std::fs::remove_dir_all(repo.join(".git")).unwrap();
    let out = lint_in(&repo, &["--format", "json"]);
    let (resources, _) = resources_and_skipped(&out);
    assert!(resources.contains(&r("ignored")), "{resources:?}");
    assert!(resources.contains(&r("built")), "{resources:?}");
}

/// Named paths are read whatever their type: a FIFO, process substitution,
/// a device. What is read stops one byte past the 16 MiB a file may have.
#[test]
fn named_paths_of_any_type_are_read_with_a_limit() {
    let s = Scratch::new("named");
    s.write("main.tf", &filter_tf("piped"));
    let bash = |script: &str| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("ulimit -v 2000000; {script}"))
            .env("BIN", env!("CARGO_BIN_EXE_cis-filters"))
            .env("NO_COLOR", "1")
            .current_dir(&s.0)
            .stdin(Stdio::null())
            .output()
            .expect("bash")
    };
    // Process substitution: a pipe whose name says nothing of its kind.
    let out = bash("exec \"$BIN\" lint --format json <(cat main.tf)");
    let (resources, _) = resources_and_skipped(&out);
    assert_eq!(
        resources,
        ["aws_cloudwatch_log_metric_filter.piped"],
        "{}",
        common::stderr(&out)
    );
    // A FIFO.
    let out =
        bash("mkfifo pipe && (cat main.tf > pipe &) && exec \"$BIN\" lint --format json pipe");
    let (resources, _) = resources_and_skipped(&out);
    assert_eq!(
        resources,
        ["aws_cloudwatch_log_metric_filter.piped"],
        "{}",
        common::stderr(&out)
    );
    // Endless input is read up to the limit, then skipped: it names no
    // filter resource type.
    for source in ["<(yes)", "/dev/zero"] {
        let out = bash(&format!("exec \"$BIN\" lint {source}"));
        assert_eq!(common::code(&out), 0, "{source}: {}", common::stderr(&out));
        assert!(
            common::stderr(&out)
                .contains("larger than 16777216 bytes, and names no filter resource type"),
            "{source}: {}",
            common::stderr(&out)
        );
    }
}

/// A `.json` over 16 MiB that is not a template is skipped; a template of
/// that size is a CF0001 error.
#[test]
fn large_files_are_errors_only_when_they_may_hold_filters() {
    let s = Scratch::new("large");
    let filler = "x".repeat(17 * 1024 * 1024);
    s.write("package.json", &format!("{{\"name\": \"{filler}\"}}"));
    let out = lint_in(&s.0, &["package.json"]);
    assert_eq!(common::code(&out), 0, "{}", common::stdout(&out));
    assert!(common::stderr(&out).contains("skipped: `package.json`: larger than"));
    s.write(
        "template.json",
        &format!("{{\"Resources\": {{\"F\": {{\"Type\": \"AWS::Logs::MetricFilter\"}}}}, \"x\": \"{filler}\"}}"),
    );
    let out = lint_in(&s.0, &["template.json"]);
    assert_eq!(common::code(&out), 1);
    assert!(
        common::stdout(&out)
            .contains("error[CF0001]: the file is more than the 16777216 bytes this linter reads"),
        "{}",
        common::stdout(&out)
    );
}

#[test]
fn control_option_checks_every_filter_against_one_control() {
    let out = lint_in(
        &fixtures().join("terraform/rules"),
        &["--control", "CloudWatch.10", "--format", "json", "main.tf"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in v["filters"].as_array().unwrap() {
        if f["valid"] == true {
            assert_eq!(f["control"], "3.10", "{f}");
            assert_eq!(f["matched_by"], "option");
        }
    }
}

#[test]
fn help_teaches() {
    let out = common::run(&["lint", "--help"], "");
    assert_eq!(common::code(&out), 0);
    let s = common::stdout(&out);
    for needle in [
        "cis-filters lint infra/",
        "--require",
        "cis-filters: disable=CF0302",
        "Exit codes",
        "--benchmark",
    ] {
        assert!(s.contains(needle), "{needle}: {s}");
    }
}

fn limits() -> PathBuf {
    common::root().join("tests/data/lint_limits")
}

/// Run `cis-filters lint ARGS` in `dir` with its address space limited to
/// about 2 GB (and its CPU time to five minutes), so that a run that would
/// need more fails instead of taking the machine.
fn lint_limited(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000; ulimit -t 300; exec \"$0\" lint \"$@\"")
        .arg(env!("CARGO_BIN_EXE_cis-filters"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run cis-filters")
}

/// A 483-byte YAML whose nested aliases would expand to 387,420,489
/// scalars is a CF0001 error, within bounded memory.
#[test]
fn yaml_alias_bomb_is_a_file_error() {
    let out = lint_limited(&limits(), &["billion-laughs.yaml"]);
    assert_eq!(common::code(&out), 1, "{}", common::stderr(&out));
    let s = common::stdout(&out);
    assert!(s.contains("error[CF0001]: cannot parse YAML: its anchors and aliases expand to more than 67108864 bytes"), "{s}");
    assert!(s.contains("billion-laughs.yaml:7:"), "{s}");
}

/// Twenty locals, each the one before repeated eight times (2 KB; 8^20
/// copies of the first): the value is too large to evaluate, and says so.
#[test]
fn terraform_value_budget() {
    let out = lint_limited(&limits().join("locals_doubling"), &["main.tf"]);
    assert_eq!(common::code(&out), 0, "{}", common::stderr(&out));
    let s = common::stdout(&out);
    assert!(
        s.contains("info[CF0002]: the filter pattern is not known statically: the value is too large to evaluate (more than 4194304 bytes of strings); the pattern is unknown"),
        "{s}"
    );
}

/// A module of 60 filters with `count = 100`, called with `count = 100`:
/// 600,000 filter instances, all the same as the module's own. Instances are
/// de-duplicated as they are made, so only the module's own 6,000 are
/// reported.
#[test]
fn module_instances_are_deduplicated_as_they_are_made() {
    let out = lint_limited(&limits().join("module_count"), &["--format", "json", "."]);
    assert_eq!(common::code(&out), 1, "{}", common::stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let filters = v["filters"].as_array().unwrap();
    assert_eq!(filters.len(), 6000);
    assert!(
        filters
            .iter()
            .all(|f| !f["resource"].as_str().unwrap().starts_with("module.")),
        "{}",
        filters[0]
    );
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "CF0001")
    );
}
