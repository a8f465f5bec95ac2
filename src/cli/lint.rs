//! `cis-filters lint`: find filter patterns in Terraform and CloudFormation
//! files and check them.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::cis;
use crate::cis::verdict::MatchMode;
use crate::lint::{self, Options, Require, Rule, SourceFile};
use crate::report::lint as render;

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
    /// A self-contained HTML page (docs/lint.md).
    Html,
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
    cis-filters lint --control 3.1 modules/alarms/main.tf\n  \
    cis-filters lint --format html infra/ > lint.html\n\n\
    Reads .tf and .tf.json (one Terraform module per directory: locals and variable\n\
    defaults resolve across its files; `count` and `for_each` give one filter per\n\
    instance; a local module called from a linted directory is linted again with\n\
    the call's arguments, as module.NAME.…), and CloudFormation/SAM templates in\n\
    .yaml, .yml, .json and .template. Directories are walked recursively, following\n\
    symbolic links; inside a git work tree, what git ignores is skipped (tracked\n\
    files never are); .terraform/ and cdk.out/ are skipped unless named. A path\n\
    named on the command line is always read, whatever its type (a FIFO, <(...)).\n\
    Skipped paths are listed on stderr (and under \"skipped\" in JSON).\n\n\
    Rules: CF0001 file-error, CF0002 unresolved-pattern (info), CF0100 pattern-syntax,\n\
    CF0200 cis-nonconforming, CF0201 cis-equivalent (info), CF0202 cis-missing,\n\
    CF0300 never-matches, CF0301 ne-on-optional-field, CF0302 no-alarm,\n\
    CF0303 redundant-term (warnings).\n\
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
    let opts = match options(&args) {
        Ok(opts) => opts,
        Err(e) => return super::usage_error(e),
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let Collected {
        files,
        problems: missing,
        skipped,
    } = {
        let bar = super::progress::counter("reading", true);
        bar.set_message("files");
        let c = collect(&paths, &bar);
        bar.finish_and_clear();
        c
    };
    for m in &missing {
        eprintln!("error: {}", crate::report::escape::line(m));
    }
    let bar = super::progress::counter("linting", true);
    bar.set_position(files.len() as u64);
    bar.set_message("files");
    let mut report = lint::lint(&files, &opts);
    bar.finish_and_clear();
    report.skipped.extend(skipped);
    report.skipped.sort();
    for s in &report.skipped {
        eprintln!(
            "skipped: `{}`: {}",
            crate::report::escape::line(&s.path),
            crate::report::escape::line(&s.reason)
        );
    }
    let text = match args.format {
        LintFormat::Human => render::human(
            &report,
            super::colour_enabled(std::io::stdout().is_terminal()),
        ),
        LintFormat::Json => render::json(&report),
        LintFormat::Sarif => render::sarif(&report),
        LintFormat::Github => render::github(&report),
        LintFormat::Html => crate::report::html::lint::render(&report),
    };
    super::out(&text);
    if !missing.is_empty() {
        super::EXIT_USAGE
    } else if report.fails(args.deny == Some(Deny::Warnings)) {
        super::EXIT_FAIL
    } else {
        super::EXIT_OK
    }
}

/// The run's options from the command line, or the usage error.
fn options(args: &LintArgs) -> Result<Options, String> {
    let Some(benchmark) = cis::benchmark(&args.benchmark) else {
        let names: Vec<&str> = cis::BENCHMARKS.iter().map(|b| b.name).collect();
        return Err(format!(
            "unknown benchmark `{}`: expected one of {}",
            args.benchmark,
            names.join(", ")
        ));
    };
    let mode: MatchMode = args.match_mode.parse()?;
    if let Some(c) = &args.control
        && benchmark.row(c).is_none()
    {
        return Err(format!(
            "benchmark {} has no metric-filter control `{c}`: expected one of {}",
            benchmark.name,
            controls(benchmark)
        ));
    }
    Ok(Options {
        benchmark,
        mode,
        control: args.control.clone(),
        require: require(args.require.as_deref(), benchmark)?,
        disable: disabled(&args.disable)?,
        limits: lint::Limits::default(),
    })
}

/// `--require all` or `--require 3.1,3.2`.
fn require(arg: Option<&str>, benchmark: &cis::Benchmark) -> Result<Require, String> {
    match arg.map(str::trim) {
        None => Ok(Require::Nothing),
        Some(s) if s.eq_ignore_ascii_case("all") => Ok(Require::All),
        Some(s) => {
            let ids: Vec<String> = s
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect();
            if let Some(bad) = ids.iter().find(|id| benchmark.row(id).is_none()) {
                return Err(format!(
                    "--require: benchmark {} has no metric-filter control `{bad}`: expected `all` or some of {}",
                    benchmark.name,
                    controls(benchmark)
                ));
            }
            if ids.is_empty() {
                return Err("--require needs control ids (e.g. 3.1,3.2) or `all`".to_owned());
            }
            Ok(Require::Controls(ids))
        }
    }
}

/// `--disable CF0302,no-alarm`.
fn disabled(args: &Option<String>) -> Result<Vec<Rule>, String> {
    args.iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|code| {
            Rule::from_code(code).ok_or_else(|| {
                format!(
                    "--disable: unknown rule `{code}` (rules: {})",
                    Rule::ALL
                        .iter()
                        .map(|r| r.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect()
}

fn controls(b: &cis::Benchmark) -> String {
    b.rows
        .iter()
        .map(|r| r.control)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the command line read: the files, the paths it could not read
/// (exit code 2), and the paths it did not read on purpose.
#[derive(Default)]
struct Collected {
    files: Vec<SourceFile>,
    problems: Vec<String>,
    skipped: Vec<lint::Skipped>,
}

/// Read the files to lint under `paths`. A path named on the command line
/// is read whatever its name and type (a FIFO, `<(…)`), and ignore rules
/// never apply to it. Directories are walked recursively, following
/// symbolic links (a link back to a directory above is skipped);
/// `.terraform/` and `cdk.out/` are skipped unless named; inside a git work
/// tree, what git ignores (untracked files matching `.gitignore`) is skipped.
fn collect(paths: &[PathBuf], bar: &indicatif::ProgressBar) -> Collected {
    let mut c = Collected::default();
    let mut seen = std::collections::BTreeSet::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                c.problems
                    .push(format!("cannot read `{}`: {e}", root.display()));
                continue;
            }
        };
        if !meta.is_dir() {
            read_file(root, &mut c, &mut seen);
            bar.set_position(c.files.len() as u64);
            continue;
        }
        walk(root, &mut c, &mut seen, bar);
    }
    c.skipped.sort();
    c.skipped.dedup();
    c
}

/// Walk the directory `root`.
fn walk(
    root: &Path,
    c: &mut Collected,
    seen: &mut std::collections::BTreeSet<PathBuf>,
    bar: &indicatif::ProgressBar,
) {
    let ignored = match git_ignored(root) {
        Ok(set) => set,
        Err(why) => {
            bar.suspend(|| eprintln!("warning: {}", crate::report::escape::line(&why)));
            None
        }
    };
    let shared_skips = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let skips = std::sync::Arc::clone(&shared_skips);
    let base = root.to_path_buf();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(true)
        .filter_entry(move |e| {
            if e.depth() == 0 {
                return true;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let name = e.file_name();
            let why = if is_dir && lint::SKIPPED_DIRS.iter().any(|d| name == *d) {
                // `.git/` is never of interest; the others are named.
                (name != ".git")
                    .then(|| "a tool's directory (name it to lint it)".to_owned())
                    .or(Some(String::new()))
            } else if ignored.as_ref().is_some_and(|set| {
                e.path().strip_prefix(&base).is_ok_and(|rel| {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    set.contains(&if is_dir { format!("{rel}/") } else { rel })
                })
            }) {
                (is_dir || lint::file_kind(&e.path().to_string_lossy()).is_some())
                    .then(|| "ignored by git".to_owned())
                    .or(Some(String::new()))
            } else {
                None
            };
            match why {
                None => true,
                Some(reason) => {
                    if !reason.is_empty()
                        && let Ok(mut v) = skips.lock()
                    {
                        let mut path = display_path(e.path());
                        if is_dir {
                            path.push('/');
                        }
                        v.push(lint::Skipped { path, reason });
                    }
                    false
                }
            }
        })
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| !t.is_dir()) => {
                if lint::file_kind(&display_path(e.path())).is_some() {
                    read_file(e.path(), c, seen);
                    bar.set_position(c.files.len() as u64);
                }
            }
            Ok(_) => {}
            Err(e) => walk_error(&e, root, c),
        }
    }
    if let Ok(mut v) = shared_skips.lock() {
        c.skipped.append(&mut v);
    }
}

/// A walk error: a symbolic link loop is skipped (its files are linted
/// where the loop leads); a path of a linted kind that cannot be read is a
/// problem; anything else is skipped with the reason.
fn walk_error(e: &ignore::Error, root: &Path, c: &mut Collected) {
    fn path_of(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    fn is_loop(e: &ignore::Error) -> bool {
        match e {
            ignore::Error::Loop { .. } => true,
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
            _ => false,
        }
    }
    let path = path_of(e).map(display_path);
    match path {
        Some(p) if is_loop(e) => c.skipped.push(lint::Skipped {
            path: format!("{p}/"),
            reason: String::from(
                "a symbolic link to a directory above it (a loop); its files are linted there",
            ),
        }),
        Some(p) if lint::file_kind(&p).is_none() => c.skipped.push(lint::Skipped {
            path: p,
            reason: format!("cannot be read: {e}"),
        }),
        _ => c
            .problems
            .push(format!("cannot walk `{}`: {e}", root.display())),
    }
}

/// What git ignores under `root`: the untracked paths that match its ignore
/// rules, relative to `root` (directories with a trailing `/`). `None` when
/// `root` is not in a git work tree (no ignore rules apply) or is itself
/// ignored (it was named, so it is read whole).
fn git_ignored(root: &Path) -> Result<Option<std::collections::HashSet<String>>, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        // Read-only, and no hook or monitor of the repository runs.
        .args([
            "-c",
            "core.fsmonitor=false",
            "ls-files",
            "-z",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--directory",
        ])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            let in_repo = root
                .canonicalize()
                .ok()
                .is_some_and(|p| p.ancestors().any(|a| a.join(".git").exists()));
            return if in_repo {
                Err(format!(
                    "cannot run git ({e}): .gitignore rules are not applied under `{}`",
                    root.display()
                ))
            } else {
                Ok(None)
            };
        }
    };
    if !out.status.success() {
        // Not a work tree.
        return Ok(None);
    }
    let set: std::collections::HashSet<String> = out
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    if set.contains("./") {
        return Ok(None);
    }
    Ok(Some(set))
}

/// Read one file, at most one byte more than the linter reads (so that a
/// larger file, a FIFO or `/dev/zero` is never read whole).
fn read_file(path: &Path, c: &mut Collected, seen: &mut std::collections::BTreeSet<PathBuf>) {
    use std::io::Read;
    if !seen.insert(path.to_path_buf()) {
        return;
    }
    let shown = display_path(path);
    let limit = u64::try_from(lint::MAX_FILE_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    match std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes)) {
        Ok(_) => c.files.push(SourceFile { path: shown, bytes }),
        Err(e) => c.problems.push(format!("cannot read `{shown}`: {e}")),
    }
}

/// The path as shown: `/` separators, no leading `./`, bytes that are not
/// UTF-8 as `\xHH` (SARIF turns them back into the bytes).
fn display_path(p: &Path) -> String {
    crate::report::sarif::path_text(p)
}
