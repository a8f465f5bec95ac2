//! How the tool is built and installed: the lint-only default build has no AWS
//! SDK (`cargo tree`), `--version` names the build, completions and the man
//! page, and the release workflow and the Dockerfile say what they must
//! (docs/install.md).

use std::collections::BTreeSet;
use std::iter::Peekable;
use std::process::Command;

use saphyr_parser::{Event, Parser};

use crate::common::{self, code, run, stderr, stdout};

/// The package names in `cargo tree` of this package with these feature
/// arguments: what `cargo build`/`cargo install` with them compiles.
fn cargo_tree(features: &[&str]) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .current_dir(common::root())
        .args(["tree", "--locked", "--package", "cis-filters"])
        .args([
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .args(features)
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree {features:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    assert!(names.contains("cis-filters"), "{names:?}");
    names
}

fn aws_crates(names: &BTreeSet<String>) -> Vec<&String> {
    names.iter().filter(|n| n.starts_with("aws-")).collect()
}

#[test]
fn lint_only_install_builds_no_aws_sdk() {
    // `cargo install cis-filters`, `cargo install --path .` and pre-commit's
    // `language: rust` hook build the default features.
    let default = cargo_tree(&[]);
    assert_eq!(aws_crates(&default), Vec::<&String>::new(), "default build");
    assert!(!default.contains("tokio"), "default build has tokio");
    assert!(
        default.contains("clap"),
        "the default build is the command line"
    );
    // The GitHub Action's build.
    let cli = cargo_tree(&["--no-default-features", "--features", "cli"]);
    assert_eq!(aws_crates(&cli), Vec::<&String>::new(), "cli build");
    // And the check can see the SDK when it is there.
    let aws = cargo_tree(&["--features", "aws"]);
    for sdk in ["aws-sdk-ec2", "aws-sdk-s3", "aws-sdk-sts", "aws-config"] {
        assert!(aws.contains(sdk), "--features aws lacks {sdk}");
    }
}

#[test]
fn aws_feature_does_not_bring_the_command_line() {
    let lib = cargo_tree(&["--no-default-features", "--features", "aws"]);
    assert!(lib.contains("aws-sdk-ec2"));
    for cli_only in ["clap", "clap_complete", "clap_mangen", "anstream", "ignore"] {
        assert!(!lib.contains(cli_only), "`aws` alone pulls in {cli_only}");
    }
}

/// The features this test binary (and so the `cis-filters` binary beside it)
/// was built with, as `--version` lists them.
fn features() -> &'static str {
    match (cfg!(feature = "cli"), cfg!(feature = "aws")) {
        (true, true) => "cli,aws",
        (true, false) => "cli",
        (false, true) => "aws",
        (false, false) => "none",
    }
}

/// The commit `--version` must name: the override, else `git rev-parse HEAD`.
fn expected_commit() -> Option<String> {
    if let Ok(c) = std::env::var("CIS_FILTERS_GIT_COMMIT")
        && !c.is_empty()
    {
        return Some(c.chars().take(12).collect());
    }
    let out = Command::new("git")
        .current_dir(common::root())
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .chars()
            .take(12)
            .collect()
    })
}

#[test]
fn version_names_the_commit_and_the_features() {
    let o = run(&["-V"], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let line = stdout(&o);
    let commit = expected_commit().unwrap_or_else(|| "unknown".to_owned());
    assert_eq!(
        line.trim_end(),
        format!(
            "cis-filters {} (commit {commit}, features: {})",
            env!("CARGO_PKG_VERSION"),
            features()
        )
    );

    let o = run(&["--version"], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let long = stdout(&o);
    let lines: Vec<&str> = long.lines().collect();
    assert_eq!(lines.first().copied(), Some(line.trim_end()), "{long}");
    let target = lines.get(1).and_then(|l| l.strip_prefix("target: "));
    assert!(
        target.is_some_and(|t| t.split('-').count() >= 3),
        "no target triple in {long}"
    );
    let live = if cfg!(feature = "aws") {
        "live audits: yes"
    } else {
        "live audits: no"
    };
    assert!(lines.get(2).is_some_and(|l| l.starts_with(live)), "{long}");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell], "");
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for word in ["lint", "verify", "benchmark", "completions"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    // The bash script is valid bash.
    let o = run(&["completions", "bash"], "");
    let dir = std::env::temp_dir().join(format!("cis-filters-completions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cis-filters.bash");
    std::fs::write(&file, &o.stdout).unwrap();
    if let Ok(check) = Command::new("bash").arg("-n").arg(&file).output() {
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);

    let o = run(&["completions", "tcsh"], "");
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("invalid value 'tcsh'"),
        "{}",
        stderr(&o)
    );
}

/// The commands `--help` lists (hidden ones are not): `collect` only in a
/// build with `aws`.
fn commands() -> Vec<&'static str> {
    let mut c = vec![
        "parse",
        "fmt",
        "check",
        "compare",
        "controls",
        "criteria",
        "test",
        "replay",
        "verify",
        "lint",
        "drift",
        "completions",
        "man",
    ];
    if cfg!(feature = "aws") {
        c.push("collect");
    }
    c
}

#[test]
fn man_page_names_every_command() {
    let o = run(&["man"], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH cis-filters 1"), "{page}");
    for c in commands() {
        assert!(
            page.contains(&format!("cis\\-filters\\-{c}")),
            "page lacks {c}"
        );
    }

    let dir = std::env::temp_dir().join(format!("cis-filters-man-{}", std::process::id()));
    let o = run(&["man", "--out-dir", dir.to_str().unwrap()], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    let mut expected: Vec<String> = commands()
        .iter()
        .map(|c| format!("cis-filters-{c}.1"))
        .collect();
    expected.push("cis-filters.1".to_owned());
    expected.sort();
    assert_eq!(pages, expected);

    // A file where the directory should be: a one-line error, exit 2.
    let file = dir.join("cis-filters.1");
    let o = run(&["man", "--out-dir", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.starts_with("error: cannot write the manual pages to "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(not(feature = "aws"))]
#[test]
fn collect_without_aws_says_how_to_get_it() {
    for args in [
        &["collect"][..],
        &["collect", "-o", "x.json", "--regions", "all"],
    ] {
        let o = run(args, "");
        assert_eq!(code(&o), 2, "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("needs the `aws` feature"), "{err}");
        assert!(
            err.contains("cargo install cis-filters --features aws"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // It stays out of --help.
    let o = run(&["--help"], "");
    assert!(!stdout(&o).contains("collect"), "{}", stdout(&o));
}

#[cfg(feature = "aws")]
#[test]
fn collect_is_there_with_aws() {
    let o = run(&["collect", "--help"], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("--regions"));
}

// ---------------------------------------------------------------------------
// The release workflow

/// A YAML document as plain values, enough to read a workflow.
#[derive(Debug)]
enum Yaml {
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    fn get(&self, key: &str) -> &Yaml {
        match self {
            Yaml::Map(m) => m
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {key} in {self:?}")),
            _ => panic!("{key}: not a mapping: {self:?}"),
        }
    }

    fn str(&self) -> &str {
        match self {
            Yaml::Str(s) => s,
            _ => panic!("not a string: {self:?}"),
        }
    }

    fn seq(&self) -> &[Yaml] {
        match self {
            Yaml::Seq(s) => s,
            _ => panic!("not a sequence: {self:?}"),
        }
    }

    fn map(&self) -> &[(String, Yaml)] {
        match self {
            Yaml::Map(m) => m,
            _ => panic!("not a mapping: {self:?}"),
        }
    }
}

fn parse_yaml(text: &str) -> Yaml {
    let events: Vec<Event<'_>> = Parser::new_from_str(text)
        .map(|r| r.expect("valid YAML").0)
        .filter(|e| {
            !matches!(
                e,
                Event::StreamStart
                    | Event::StreamEnd
                    | Event::DocumentStart(_)
                    | Event::DocumentEnd
            )
        })
        .collect();
    let mut it = events.into_iter().peekable();
    let doc = yaml_node(&mut it);
    assert!(it.next().is_none(), "one document");
    doc
}

fn yaml_node<'a>(it: &mut Peekable<impl Iterator<Item = Event<'a>>>) -> Yaml {
    match it.next() {
        Some(Event::Scalar(v, ..)) => Yaml::Str(v.into_owned()),
        Some(Event::SequenceStart(..)) => {
            let mut items = Vec::new();
            while !matches!(it.peek(), Some(Event::SequenceEnd) | None) {
                items.push(yaml_node(it));
            }
            it.next();
            Yaml::Seq(items)
        }
        Some(Event::MappingStart(..)) => {
            let mut entries = Vec::new();
            while !matches!(it.peek(), Some(Event::MappingEnd) | None) {
                let key = match yaml_node(it) {
                    Yaml::Str(k) => k,
                    k => panic!("a non-scalar key {k:?}"),
                };
                entries.push((key, yaml_node(it)));
            }
            it.next();
            Yaml::Map(entries)
        }
        e => panic!("unexpected YAML event {e:?}"),
    }
}

fn release_workflow() -> Yaml {
    let path = common::root().join(".github/workflows/release.yml");
    parse_yaml(&std::fs::read_to_string(path).unwrap())
}

/// The `with:` of every step of `job` that uses `action`.
fn uses<'a>(job: &'a Yaml, action: &str) -> Vec<&'a Yaml> {
    job.get("steps")
        .seq()
        .iter()
        .filter(|s| {
            s.map()
                .iter()
                .any(|(k, v)| k == "uses" && v.str().starts_with(action))
        })
        .map(|s| s.get("with"))
        .collect()
}

#[test]
fn release_workflow_builds_every_target_on_a_tag() {
    let wf = release_workflow();
    let tags = wf.get("on").get("push").get("tags").seq();
    assert_eq!(tags.first().map(Yaml::str), Some("v[0-9]+.*"));

    let binaries = wf.get("jobs").get("binaries");
    let targets: BTreeSet<&str> = binaries
        .get("strategy")
        .get("matrix")
        .get("include")
        .seq()
        .iter()
        .map(|e| e.get("target").str())
        .collect();
    let required = BTreeSet::from([
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]);
    assert_eq!(targets, required);

    let upload = uses(binaries, "taiki-e/upload-rust-binary-action@");
    let [with] = upload.as_slice() else {
        panic!("one upload step: {upload:?}")
    };
    assert_eq!(with.get("bin").str(), "cis-filters");
    assert_eq!(with.get("target").str(), "${{ matrix.target }}");
    assert_eq!(with.get("features").str(), "aws");
    assert_eq!(with.get("checksum").str(), "sha256");
    assert_eq!(with.get("locked").str(), "true");
    // The default archive name, which the binstall metadata expects.
    assert!(with.map().iter().all(|(k, _)| k != "archive"));

    // The image is built from the Dockerfile for both Linux architectures.
    let image = wf.get("jobs").get("image");
    let platforms: BTreeSet<&str> = image
        .get("strategy")
        .get("matrix")
        .get("include")
        .seq()
        .iter()
        .map(|e| e.get("platform").str())
        .collect();
    assert_eq!(platforms, BTreeSet::from(["linux/amd64", "linux/arm64"]));
    assert_eq!(uses(image, "docker/build-push-action@").len(), 1);
}

#[test]
fn binstall_metadata_matches_the_release_archives() {
    let manifest = std::fs::read_to_string(common::root().join("Cargo.toml")).unwrap();
    let section = manifest
        .split("\n[package.metadata.binstall]\n")
        .nth(1)
        .expect("[package.metadata.binstall] in Cargo.toml");
    let value = |key: &str| {
        section
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key} = ")))
            .map(|v| v.trim_matches('"'))
    };
    // upload-rust-binary-action's default archive: `$bin-$target`, tag vX.Y.Z.
    assert_eq!(
        value("pkg-url"),
        Some("{ repo }/releases/download/v{ version }/{ name }-{ target }{ archive-suffix }")
    );
    assert_eq!(value("bin-dir"), Some("{ bin }{ binary-ext }"));
    assert_eq!(value("pkg-fmt"), Some("tgz"));
    // Windows archives are zip files.
    let wf = release_workflow();
    for entry in wf
        .get("jobs")
        .get("binaries")
        .get("strategy")
        .get("matrix")
        .get("include")
        .seq()
    {
        let target = entry.get("target").str();
        let header = format!("[package.metadata.binstall.overrides.{target}]\npkg-fmt = \"zip\"");
        assert_eq!(
            manifest.contains(&header),
            target.contains("windows"),
            "{target}: zip override"
        );
    }
}

// ---------------------------------------------------------------------------
// The Dockerfile

/// The instructions of a Dockerfile: (keyword, arguments), continuation lines
/// joined, comments dropped.
fn dockerfile() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(common::root().join("Dockerfile")).unwrap();
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('#') || (t.is_empty() && current.is_empty()) {
            continue;
        }
        if let Some(head) = t.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(t);
        let (kw, args) = current.split_once(' ').unwrap_or((current.as_str(), ""));
        out.push((kw.to_ascii_uppercase(), args.trim().to_owned()));
        current.clear();
    }
    out
}

#[test]
fn dockerfile_builds_in_one_stage_and_runs_as_non_root_in_another() {
    let ins = dockerfile();
    let stages: Vec<usize> = ins
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| k == "FROM")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(stages.len(), 2, "two stages: {stages:?}");
    let (build, runtime) = ins.split_at(stages[1]);
    let from =
        |stage: &[(String, String)]| stage.iter().find(|(k, _)| k == "FROM").unwrap().1.clone();
    assert!(from(build).ends_with(" AS build"), "{}", from(build));

    // The build stage keeps cargo's registry and target dir in caches and
    // builds the locked dependencies with the `aws` feature.
    let cargo = build
        .iter()
        .find(|(k, a)| k == "RUN" && a.contains("cargo build"))
        .map(|(_, a)| a.as_str())
        .expect("a RUN with cargo build");
    for needle in [
        "--mount=type=cache,target=/usr/local/cargo/registry",
        "--mount=type=cache,target=/src/target",
        "--release",
        "--locked",
        "--features \"${FEATURES}\"",
    ] {
        assert!(cargo.contains(needle), "{needle} not in {cargo}");
    }
    assert!(
        build.iter().any(|(k, a)| k == "ARG" && a == "FEATURES=aws"),
        "FEATURES defaults to aws"
    );

    // The runtime stage: the binary from the build stage, a non-root user,
    // the binary as entrypoint.
    assert!(
        runtime.iter().any(|(k, a)| k == "COPY"
            && a.starts_with("--from=build ")
            && a.ends_with("/usr/local/bin/cis-filters")),
        "{runtime:?}"
    );
    let users: Vec<&str> = runtime
        .iter()
        .filter(|(k, _)| k == "USER")
        .map(|(_, a)| a.as_str())
        .collect();
    let [user] = users.as_slice() else {
        panic!("one USER in the runtime stage: {users:?}")
    };
    let name = user.split(':').next().unwrap();
    assert!(!["root", "0", ""].contains(&name), "USER {user}");
    let entry: Vec<&str> = runtime
        .iter()
        .filter(|(k, _)| k == "ENTRYPOINT")
        .map(|(_, a)| a.as_str())
        .collect();
    assert_eq!(entry, ["[\"/usr/local/bin/cis-filters\"]"]);
    assert!(
        !runtime.iter().any(|(k, _)| k == "RUN"),
        "nothing runs in the runtime stage"
    );
}
