//! `cis-filters lint`: find filter patterns in Terraform and CloudFormation
//! files and check them.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::cis;
use crate::cis::verdict::MatchMode;
use crate::lint::{self, Options, Require, Rule, SourceFile, render};

/// Output format of `lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Compiler-style text with the source line and a caret.
    Human,
    /// A stable JSON document (docs/lint.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (pull-request annotations).
    Github,
}

/// Warnings that fail the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Exit 1 on warnings as well as errors.
    Warnings,
}

/// Arguments of `lint`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters lint infra/\n  \
    cis-filters lint --require all --format sarif . > cis-filters.sarif\n  \
    cis-filters lint --benchmark securityhub --match strict templates/cloudtrail.yaml\n  \
    cis-filters lint --control 3.1 modules/alarms/main.tf\n\n\
    Reads .tf and .tf.json (one Terraform module per directory: locals and variable\n\
    defaults resolve across its files; `count` and `for_each` give one filter per\n\
    instance; a local module called from a linted directory is linted again with\n\
    the call's arguments, as module.NAME.…), and CloudFormation/SAM templates in\n\
    .yaml, .yml, .json and .template. Directories are walked recursively, honouring\n\
    .gitignore; .terraform/ and cdk.out/ are skipped unless named.\n\n\
    Rules: CF0001 file-error, CF0002 unresolved-pattern (info), CF0100 pattern-syntax,\n\
    CF0200 cis-nonconforming, CF0201 cis-equivalent (info), CF0202 cis-missing,\n\
    CF0300 never-matches, CF0301 ne-on-optional-field, CF0302 no-alarm (warnings).\n\
    Switch a rule off for a resource with a comment inside or directly above it:\n  \
    # cis-filters: disable=CF0302\n\
    or for a whole file with `# cis-filters: disable-file=CF0302` (`//` works in\n\
    Terraform); in CloudFormation JSON, use the resource's or the template's\n\
    Metadata: {\"cis-filters\": {\"disable\": [\"CF0302\"]}}.\n\n\
    Exit codes: 0 no errors, 1 errors (or warnings with --deny warnings),\n\
    2 usage error or a path that does not exist.")]
pub struct LintArgs {
    /// Files or directories to lint (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    format: LintFormat,
    // The help lists the benchmarks of the registry.
    #[arg(long, default_value = cis::DEFAULT_BENCHMARK, value_name = "NAME", help = format!(
        "Benchmark whose canonical patterns are the reference: {}",
        cis::benchmark_names(false)
    ))]
    benchmark: String,
    /// Which verdicts pass: `strict` (only exact, as Security Hub) or
    /// `normalized` (exact and logically equivalent).
    #[arg(long = "match", default_value = "normalized", value_name = "MODE")]
    match_mode: String,
    /// Check every filter against this control (e.g. 3.1 or CloudWatch.2),
    /// instead of inferring it from names and patterns.
    #[arg(long, value_name = "ID")]
    control: Option<String>,
    /// Fail unless the files define a passing metric filter for each of
    /// these controls (comma-separated ids, or `all`).
    #[arg(long, value_name = "IDS|all")]
    require: Option<String>,
    /// Exit 1 on warnings too.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// Switch rules off for this run (comma-separated codes or names).
    #[arg(long, value_name = "CODES")]
    disable: Option<String>,
}

/// Run `lint`.
pub fn lint(args: LintArgs) -> u8 {
    let Some(benchmark) = cis::benchmark(&args.benchmark) else {
        let names: Vec<&str> = cis::BENCHMARKS.iter().map(|b| b.name).collect();
        return super::usage_error(format!(
            "unknown benchmark `{}`: expected one of {}",
            args.benchmark,
            names.join(", ")
        ));
    };
    let mode: MatchMode = match args.match_mode.parse() {
        Ok(m) => m,
        Err(e) => return super::usage_error(e),
    };
    if let Some(c) = &args.control
        && benchmark.row(c).is_none()
    {
        return super::usage_error(format!(
            "benchmark {} has no metric-filter control `{c}`: expected one of {}",
            benchmark.name,
            controls(benchmark)
        ));
    }
    let require = match args.require.as_deref().map(str::trim) {
        None => Require::Nothing,
        Some(s) if s.eq_ignore_ascii_case("all") => Require::All,
        Some(s) => {
            let ids: Vec<String> = s
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect();
            if let Some(bad) = ids.iter().find(|id| benchmark.row(id).is_none()) {
                return super::usage_error(format!(
                    "--require: benchmark {} has no metric-filter control `{bad}`: expected `all` or some of {}",
                    benchmark.name,
                    controls(benchmark)
                ));
            }
            if ids.is_empty() {
                return super::usage_error("--require needs control ids (e.g. 3.1,3.2) or `all`");
            }
            Require::Controls(ids)
        }
    };
    let mut disable = Vec::new();
    for code in args
        .disable
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match Rule::from_code(code) {
            Some(r) => disable.push(r),
            None => {
                return super::usage_error(format!(
                    "--disable: unknown rule `{code}` (rules: {})",
                    Rule::ALL
                        .iter()
                        .map(|r| r.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let (files, missing) = collect(&paths);
    for m in &missing {
        eprintln!("error: {m}");
    }
    let opts = Options {
        benchmark,
        mode,
        control: args.control,
        require,
        disable,
    };
    let report = lint::lint(&files, &opts);
    let text = match args.format {
        LintFormat::Human => render::human(
            &report,
            super::colour_enabled(std::io::stdout().is_terminal()),
        ),
        LintFormat::Json => render::json(&report),
        LintFormat::Sarif => render::sarif(&report),
        LintFormat::Github => render::github(&report),
    };
    super::out(&text);
    if !missing.is_empty() {
        super::EXIT_USAGE
    } else if render::fails(&report, args.deny == Some(Deny::Warnings)) {
        super::EXIT_FAIL
    } else {
        super::EXIT_OK
    }
}

fn controls(b: &cis::Benchmark) -> String {
    b.rows
        .iter()
        .map(|r| r.control)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Read the files to lint under `paths`: named files whatever their name
/// (when they have a known extension), directories walked with .gitignore
/// honoured and `.terraform/`, `cdk.out/` skipped. Returns the files and
/// messages for paths that do not exist or cannot be read (exit code 2).
fn collect(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                problems.push(format!("cannot read `{}`: {e}", root.display()));
                continue;
            }
        };
        if meta.is_file() {
            push_file(root, &mut files, &mut problems, &mut seen, true);
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_type().is_some_and(|t| t.is_dir())
                        && lint::SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
            })
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    push_file(e.path(), &mut files, &mut problems, &mut seen, false);
                }
                Ok(_) => {}
                Err(e) => problems.push(format!("cannot walk `{}`: {e}", root.display())),
            }
        }
    }
    (files, problems)
}

fn push_file(
    path: &Path,
    files: &mut Vec<SourceFile>,
    problems: &mut Vec<String>,
    seen: &mut std::collections::BTreeSet<PathBuf>,
    named: bool,
) {
    let shown = display_path(path);
    if lint::file_kind(&shown).is_none() {
        if named {
            eprintln!(
                "warning: `{shown}` is not a .tf, .tf.json, .yaml, .yml, .json or .template file; skipped"
            );
        }
        return;
    }
    if !seen.insert(path.to_path_buf()) {
        return;
    }
    match std::fs::read(path) {
        Ok(bytes) => files.push(SourceFile { path: shown, bytes }),
        Err(e) => problems.push(format!("cannot read `{shown}`: {e}")),
    }
}

/// The path as shown: `/` separators, no leading `./`.
fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}
