//! Lint CloudWatch Logs filter patterns where they are written: Terraform
//! (`.tf`, `.tf.json`) and CloudFormation/SAM (YAML, JSON).
//!
//! [`lint`] takes files (paths and bytes: this module does no I/O) and
//! returns a [`Report`]: every filter found, with its CIS verdict, and
//! diagnostics that point at the byte of the file where the problem is,
//! mapped back through string escapes, heredoc indentation and YAML
//! folding. Rules and their codes are in [`rules`]; output formats in
//! [`render`]. The user documentation is `docs/lint.md`.
//!
//! ```
//! use cis_filters::lint::{lint, Options, SourceFile};
//! let tf = r#"resource "aws_cloudwatch_log_metric_filter" "x" {
//!   pattern = "{ $.eventName = \"ConsoleLogin\" && }"
//! }"#;
//! let report = lint(&[SourceFile { path: "main.tf".into(), bytes: tf.as_bytes().to_vec() }], &Options::default());
//! let d = &report.diagnostics[0];
//! assert_eq!(d.code, "CF0100");
//! assert_eq!((d.location.as_ref().unwrap().line, d.location.as_ref().unwrap().column), (2, 50));
//! ```

pub mod cfn;
pub mod model;
pub mod render;
pub mod rules;
pub mod terraform;
pub mod text;
pub mod yaml;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use crate::cis::verdict::{Comparison, MatchMode, Verdict};
use crate::cis::{self, Benchmark};
use crate::pattern;

pub use model::SourceFile;
use model::{Filter, FilterKind, Format, Metric, MetricKey, PatternValue, Unit};
pub use rules::{Level, Rule};
use text::{FileId, FileSpan, LineIndex};

/// The largest file read (bigger files are reported, not parsed).
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// The lowest classification score at which a filter with no other hint
/// is taken to be meant for a control (see [`cis::verdict::classify`]):
/// about half of the conditions shared with the canonical pattern. A
/// pattern of a single condition is never taken to be meant for a control
/// by closeness alone (it would match half of a two-condition control).
pub const INTENT_SCORE: f64 = 0.5;

/// Which controls `--require` asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Require {
    /// Nothing required.
    #[default]
    Nothing,
    /// Every control of the benchmark.
    All,
    /// These controls (ids of the benchmark, or Security Hub ids).
    Controls(Vec<String>),
}

/// Bounds on the work of one run, so that no input, however crafted, takes
/// unbounded time or memory (documented in `docs/lint.md`, "Limits").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Steps of the static evaluation of one Terraform value (a pattern, a
    /// name, a `count`, a module argument); more makes the value unknown.
    pub eval_steps: usize,
    /// Bytes of strings one such evaluation may build.
    pub eval_bytes: usize,
    /// Steps of Terraform evaluation in the whole run; past them nothing
    /// more is evaluated, and the modules concerned get a `CF0001` error.
    pub run_steps: usize,
    /// Filter instances (resources times `count`/`for_each` keys times
    /// module instances) in the whole run; past them, a `CF0001` error.
    pub filters: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            eval_steps: 100_000,
            eval_bytes: 4 * 1024 * 1024,
            run_steps: 20_000_000,
            filters: 20_000,
        }
    }
}

/// What to check and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// The benchmark whose canonical patterns are the reference.
    pub benchmark: &'static Benchmark,
    /// Which verdicts pass.
    pub mode: MatchMode,
    /// Take every filter to be meant for this control.
    pub control: Option<String>,
    /// Controls that must have a passing metric filter.
    pub require: Require,
    /// Rule codes switched off for the whole run.
    pub disable: Vec<Rule>,
    /// Bounds on the work of the run.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            benchmark: cis::benchmark(cis::DEFAULT_BENCHMARK).unwrap_or(&cis::benchmarks::CIS_1_2),
            mode: MatchMode::default(),
            control: None,
            require: Require::Nothing,
            disable: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// A place in a file, as lines and columns (1-based; columns count
/// characters; the end column is one past the last character).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file's path as given.
    pub path: String,
    /// First line.
    pub line: usize,
    /// First column.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// One past the last column (on `end_line`).
    pub end_column: usize,
    /// First byte offset in the file.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
    /// The text of `line`, without its line ending.
    #[serde(skip)]
    pub source_line: String,
}

/// A secondary place that explains a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What it is.
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// The stable rule code (`CF0100`).
    pub code: &'static str,
    /// The rule's name (`pattern-syntax`).
    pub rule: &'static str,
    /// `error`, `warning` or `info`.
    pub level: Level,
    /// One line.
    pub message: String,
    /// Where; absent for findings about the whole run (`CF0202`).
    pub location: Option<Location>,
    /// The resource (`aws_cloudwatch_log_metric_filter.root`, a logical id).
    pub resource: Option<String>,
    /// The conditional branch the pattern comes from, if any.
    pub variant: Option<String>,
    /// The CIS control concerned (benchmark numbering).
    pub control: Option<String>,
    /// For `CF0100`, the parser's error code (`unclosed_string`).
    pub syntax_error: Option<&'static str>,
    /// Advice.
    pub help: Option<String>,
    /// Further explanation, one line each (e.g. term differences).
    pub notes: Vec<String>,
    /// Other places involved.
    pub related: Vec<Related>,
}

/// A filter found, and how it fared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FilterReport {
    /// Where its pattern is written.
    pub location: Location,
    /// The resource.
    pub resource: String,
    /// `metric_filter` or `subscription_filter`.
    pub kind: FilterKind,
    /// The file format.
    pub format: Format,
    /// The conditional branch, if any.
    pub variant: Option<String>,
    /// The pattern as deployed (decoded, trimmed for Terraform); absent
    /// when it is not statically known.
    pub pattern: Option<String>,
    /// Whether the pattern parses (absent when unknown).
    pub valid: Option<bool>,
    /// The control it is meant for, if any.
    pub control: Option<String>,
    /// How the control was chosen: `option`, `name` or `closest`.
    pub matched_by: Option<&'static str>,
    /// The verdict against that control's canonical pattern.
    pub verdict: Option<Verdict>,
    /// Whether the verdict passes under the match mode.
    pub passes: Option<bool>,
}

/// A control asked for with `--require`, and whether a filter passes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// The control id in the benchmark.
    pub control: String,
    /// Its title.
    pub title: String,
    /// The resources whose filters pass it.
    pub passed_by: Vec<String>,
}

/// The result of a lint run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The benchmark used.
    pub benchmark: &'static str,
    /// The match mode used.
    pub mode: MatchMode,
    /// How many files were read.
    pub files_scanned: usize,
    /// Every filter found.
    pub filters: Vec<FilterReport>,
    /// The findings, by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Controls required with `--require`, satisfied or not.
    pub required: Vec<Requirement>,
    /// How many findings inline comments or metadata switched off.
    pub suppressed: usize,
    /// Paths that were not linted, and why (files too large to be a
    /// template, files of no known kind; the command line adds what it did
    /// not read).
    pub skipped: Vec<Skipped>,
}

/// A path that was not linted, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skipped {
    /// The path as shown (a directory ends with `/`).
    pub path: String,
    /// Why, in a few words.
    pub reason: String,
}

impl Report {
    /// How many diagnostics have this level.
    pub fn count(&self, level: Level) -> usize {
        self.diagnostics.iter().filter(|d| d.level == level).count()
    }
}

/// How a file is read, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `.tf`
    Terraform,
    /// `.tf.json`
    TerraformJson,
    /// `.yaml`, `.yml`, `.template`
    Yaml,
    /// `.json`
    Json,
}

/// The kind of a file by its name; `None` for files the linter ignores.
pub fn file_kind(path: &str) -> Option<FileKind> {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if name.ends_with(".tf.json") {
        Some(FileKind::TerraformJson)
    } else if name.ends_with(".tf") {
        Some(FileKind::Terraform)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template") {
        Some(FileKind::Yaml)
    } else if name.ends_with(".json") {
        Some(FileKind::Json)
    } else {
        None
    }
}

/// Directory names skipped while walking unless named on the command line.
pub const SKIPPED_DIRS: &[&str] = &[".terraform", "cdk.out", ".git"];

/// A suppression comment: `cis-filters: disable=CODE[,CODE]` or
/// `cis-filters: disable-file=CODE[,CODE]` (`all` for every rule).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Directive {
    file: FileId,
    line: usize,
    codes: Vec<String>,
    whole_file: bool,
}

impl Directive {
    fn covers(&self, rule: Rule) -> bool {
        self.codes
            .iter()
            .any(|c| c.eq_ignore_ascii_case("all") || Rule::from_code(c) == Some(rule))
    }
}

/// A file as the run sees it.
struct Loaded<'a> {
    path: &'a str,
    /// The text after any BOM (empty when the file could not be decoded).
    text: &'a str,
    /// The full text, BOM included (for positions).
    full: &'a str,
    base: usize,
    index: LineIndex,
}

/// The kind of a file whose name does not say (a file named on the command
/// line, a pipe): Terraform or CloudFormation, JSON or not, by whether it
/// names one of their filter resource types.
pub fn sniff_kind(text: &str) -> Option<FileKind> {
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    if terraform::mentions_lintable(text) {
        Some(if json {
            FileKind::TerraformJson
        } else {
            FileKind::Terraform
        })
    } else if cfn::mentions_lintable(text) {
        Some(if json { FileKind::Json } else { FileKind::Yaml })
    } else {
        None
    }
}

/// Whether a file of this kind (by name; `None`: either) names a filter
/// resource type in `text`.
fn names_a_filter(kind: Option<FileKind>, text: &str) -> bool {
    match kind {
        Some(FileKind::Terraform | FileKind::TerraformJson) => terraform::mentions_lintable(text),
        Some(FileKind::Yaml | FileKind::Json) => cfn::mentions_lintable(text),
        None => sniff_kind(text).is_some(),
    }
}

/// What extraction found in files, before any rule is applied: the filters
/// and alarms of every unit (Terraform module instance, template), with a
/// way to turn their byte ranges into locations. `drift` reads this.
pub struct Extraction<'a> {
    /// The filters and alarms, by unit.
    pub units: Vec<Unit>,
    /// Files that could not be read (`CF0001`), as lint reports them.
    pub problems: Vec<Diagnostic>,
    /// Paths that were not read, and why.
    pub skipped: Vec<Skipped>,
    loaded: Vec<Loaded<'a>>,
}

impl Extraction<'_> {
    /// The location of a span of a file (line and column, 1-based).
    pub fn locate(&self, span: &FileSpan) -> Location {
        location(self.loaded.get(span.file), span.range.clone())
    }
}

/// Extract the filters and alarms of `files` (with `opts.limits`), as
/// [`lint`] does before applying its rules.
pub fn extract<'a>(files: &'a [SourceFile], opts: &Options) -> Extraction<'a> {
    let e = extract_units(files, opts);
    let problems = e
        .diags
        .into_iter()
        .map(|(d, _)| d)
        .chain(
            e.units
                .iter()
                .flat_map(|u| &u.problems)
                .map(|p| Diagnostic {
                    location: Some(location(e.loaded.get(p.file), p.range.clone())),
                    ..diagnostic(Rule::FileError, p.message.clone())
                }),
        )
        .collect();
    Extraction {
        units: e.units,
        problems,
        skipped: e.skipped,
        loaded: e.loaded,
    }
}

/// The files as read, with the units extracted from them.
struct Extracted<'a> {
    diags: Vec<(Diagnostic, Option<Ctx>)>,
    skipped: Vec<Skipped>,
    loaded: Vec<Loaded<'a>>,
    directives: Vec<Directive>,
    units: Vec<Unit>,
}

/// Lint `files`.
pub fn lint(files: &[SourceFile], opts: &Options) -> Report {
    let Extracted {
        diags,
        skipped,
        loaded,
        directives,
        units,
    } = extract_units(files, opts);
    finish(files, opts, diags, skipped, loaded, directives, units)
}

/// Read `files` and extract their units.
fn extract_units<'a>(files: &'a [SourceFile], opts: &Options) -> Extracted<'a> {
    let mut diags: Vec<(Diagnostic, Option<Ctx>)> = Vec::new();
    let mut skipped: Vec<Skipped> = Vec::new();
    let mut kinds: Vec<Option<FileKind>> = Vec::with_capacity(files.len());
    let mut loaded: Vec<Loaded<'_>> = Vec::with_capacity(files.len());
    let mut directives = Vec::new();
    for (id, f) in files.iter().enumerate() {
        // `full` is the text positions are computed in; `lintable` is false
        // when the file cannot be linted (then `full` is the valid prefix,
        // so the error points at the first bad byte).
        let named = file_kind(&f.path);
        let head = f.bytes.get(..MAX_FILE_BYTES + 1).unwrap_or(&f.bytes);
        let (full, lintable, problem, at) = match std::str::from_utf8(&f.bytes) {
            // Too large: an error if it names a filter resource type (so it
            // may hold filters that were not checked), else skipped.
            _ if f.bytes.len() > MAX_FILE_BYTES => {
                if names_a_filter(named, &String::from_utf8_lossy(head)) {
                    (
                        "",
                        false,
                        Some(format!(
                            "the file is more than the {MAX_FILE_BYTES} bytes this linter reads; it was not linted"
                        )),
                        0,
                    )
                } else {
                    skipped.push(Skipped {
                        path: f.path.clone(),
                        reason: format!(
                            "larger than {MAX_FILE_BYTES} bytes, and names no filter resource type in them"
                        ),
                    });
                    ("", false, None, 0)
                }
            }
            Ok(t) => (t, true, None, 0),
            Err(e) => {
                let valid = e.valid_up_to();
                let prefix = std::str::from_utf8(f.bytes.get(..valid).unwrap_or(&[])).unwrap_or("");
                let lossy = String::from_utf8_lossy(&f.bytes);
                if terraform::mentions_lintable(&lossy) || cfn::mentions_lintable(&lossy) {
                    (
                        prefix,
                        false,
                        Some(format!(
                            "the file is not valid UTF-8 (byte 0x{:02x}); it was not linted",
                            f.bytes.get(valid).copied().unwrap_or(0)
                        )),
                        valid,
                    )
                } else {
                    ("", false, None, 0)
                }
            }
        };
        let base = if full.starts_with('\u{feff}') { 3 } else { 0 };
        let mut text = if lintable {
            full.get(base..).unwrap_or("")
        } else {
            ""
        };
        let kind = named.or_else(|| sniff_kind(text));
        if lintable && kind.is_none() {
            skipped.push(Skipped {
                path: f.path.clone(),
                reason: String::from(
                    "not a .tf, .tf.json, .yaml, .yml, .json or .template file, and names no filter resource type",
                ),
            });
            text = "";
        }
        kinds.push(kind);
        directives.extend(scan_directives(id, full));
        loaded.push(Loaded {
            path: &f.path,
            text,
            full,
            base,
            index: LineIndex::new(full),
        });
        if let Some(message) = problem {
            diags.push((
                Diagnostic {
                    location: Some(location(loaded.last(), at..at)),
                    ..diagnostic(Rule::FileError, message)
                },
                None,
            ));
        }
    }

    // Units: Terraform modules (directories), one per template.
    let mut modules: BTreeMap<&str, Vec<terraform::TfFile<'_>>> = BTreeMap::new();
    let mut units: Vec<Unit> = Vec::new();
    for (id, l) in loaded.iter().enumerate() {
        if l.text.is_empty() {
            continue;
        }
        match kinds.get(id).copied().flatten() {
            Some(FileKind::Terraform) => {
                let dir = l
                    .path
                    .rfind(['/', '\\'])
                    .map_or("", |p| l.path.get(..p).unwrap_or(""));
                modules.entry(dir).or_default().push(terraform::TfFile {
                    id,
                    text: l.text,
                    base: l.base,
                    is_override: terraform::is_override_file(l.path),
                });
            }
            Some(FileKind::TerraformJson) if terraform::mentions_lintable(l.text) => {
                units.push(cfn::extract_tf_json(cfn::Doc {
                    id,
                    text: l.text,
                    base: l.base,
                    json: true,
                }));
            }
            Some(FileKind::Yaml | FileKind::Json) if cfn::mentions_lintable(l.text) => {
                let json = l.text.trim_start().starts_with('{');
                units.push(cfn::extract_template(cfn::Doc {
                    id,
                    text: l.text,
                    base: l.base,
                    json,
                }));
            }
            _ => {}
        }
    }
    let budget = terraform::Budget::new(opts.limits);
    // Each module directory on its own, then the instances of the local
    // modules it calls, with their inputs.
    // Each directory is parsed once, for itself and for its instances.
    let mut by_dir: BTreeMap<String, terraform::ParsedModule<'_>> = BTreeMap::new();
    let mut calls_of: Vec<(String, Vec<terraform::ModuleCall>)> = Vec::new();
    for (dir, files) in &modules {
        let lintable = files.iter().any(|f| terraform::mentions_lintable(f.text));
        if !lintable && !files.iter().any(|f| f.text.contains("module")) {
            continue;
        }
        let module = terraform::ParsedModule::new(files);
        let (unit, calls) = module.extract(&Vec::new(), "", &budget);
        if lintable {
            units.push(unit);
        }
        let dir = normal_dir(dir);
        if !calls.is_empty() {
            calls_of.push((dir.clone(), calls));
        }
        by_dir.entry(dir).or_insert(module);
    }
    let called: Vec<String> = calls_of
        .iter()
        .flat_map(|(dir, calls)| calls.iter().filter_map(|c| join_dir(dir, &c.source)))
        .collect();
    let mut inst = Instancing {
        by_dir: &by_dir,
        budget: &budget,
        seen: units
            .iter()
            .flat_map(|u| u.filters.iter().map(filter_key))
            .collect(),
        done: Vec::new(),
        count: 0,
        out: Vec::new(),
    };
    for (dir, calls) in &calls_of {
        if !called.contains(dir) {
            inst.instantiate(dir, calls, "", &mut vec![dir.clone()]);
        }
    }
    merge_instances(&mut units, inst.out);
    Extracted {
        diags,
        skipped,
        loaded,
        directives,
        units,
    }
}

/// Apply the rules to what [`extract_units`] found.
fn finish(
    files: &[SourceFile],
    opts: &Options,
    mut diags: Vec<(Diagnostic, Option<Ctx>)>,
    skipped: Vec<Skipped>,
    loaded: Vec<Loaded<'_>>,
    directives: Vec<Directive>,
    units: Vec<Unit>,
) -> Report {
    let mut filters_out = Vec::new();
    let mut passing: Vec<(String, String)> = Vec::new(); // (control, resource)
    let mut file_disabled: Vec<(FileId, String)> = Vec::new();
    // The `!=` fields of each control's canonical patterns (CF0301 exemptions).
    let mut exempt_cache: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for unit in &units {
        file_disabled.extend(unit.file_disabled.iter().cloned());
        for p in &unit.problems {
            diags.push((
                Diagnostic {
                    location: Some(location(loaded.get(p.file), p.range.clone())),
                    ..diagnostic(Rule::FileError, p.message.clone())
                },
                None,
            ));
        }
        let mut no_alarm_seen: Vec<&str> = Vec::new();
        for f in &unit.filters {
            let ctx = Ctx::of(f);
            let l = loaded.get(f.anchor.file);
            let anchor_loc = location(l, f.anchor.range.clone());
            let base = |rule: Rule, message: String| Diagnostic {
                resource: Some(f.resource.clone()),
                variant: f.variant.clone(),
                location: Some(anchor_loc.clone()),
                ..diagnostic(rule, message)
            };
            let mut report = FilterReport {
                location: first_line(&anchor_loc),
                resource: f.resource.clone(),
                kind: f.kind,
                format: f.format,
                variant: f.variant.clone(),
                pattern: None,
                valid: None,
                control: None,
                matched_by: None,
                verdict: None,
                passes: None,
            };
            // No alarm (metric filters only; once per resource).
            if f.kind == FilterKind::MetricFilter
                && let Some(metric) = &f.metric
                && !has_alarm(unit, f, metric)
                && !no_alarm_seen.contains(&f.resource.as_str())
            {
                no_alarm_seen.push(&f.resource);
                let name = match &metric.name {
                    MetricKey::Literal(s) | MetricKey::Symbol(s) => format!("`{s}`"),
                };
                let elsewhere = other_namespaces(unit, metric);
                let message = match (&metric.namespace, elsewhere.is_empty()) {
                    (Some(MetricKey::Literal(ns) | MetricKey::Symbol(ns)), false) => format!(
                        "no alarm in these files watches the metric {name} in namespace `{ns}` of this filter; the alarms on {name} watch namespace {}",
                        elsewhere.join(", ")
                    ),
                    _ => {
                        format!("no alarm in these files watches the metric {name} of this filter")
                    }
                };
                diags.push((
                    Diagnostic {
                        location: Some(location(
                            loaded.get(f.file),
                            f.extent.start..f.extent.start,
                        )),
                        variant: None,
                        help: Some(String::from(
                            "add an alarm on the metric (aws_cloudwatch_metric_alarm / AWS::CloudWatch::Alarm), or disable CF0302 for this resource if the alarm lives elsewhere",
                        )),
                        ..base(Rule::NoAlarm, message)
                    },
                    Some(ctx.clone()),
                ));
            }
            let text = match &f.pattern {
                PatternValue::Unknown(why) => {
                    diags.push((
                        Diagnostic {
                            help: Some(String::from(
                                "lint the rendered template, or give the value a literal default, to have it checked",
                            )),
                            ..base(Rule::Unresolved, format!("the filter pattern is not known statically: {why}"))
                        },
                        Some(ctx.clone()),
                    ));
                    // A filter named for a control still counts as that
                    // control's filter; it just cannot pass.
                    if let Some((row, by)) = intent_from_hints(f, opts) {
                        report.control = Some(row.control.to_owned());
                        report.matched_by = Some(by);
                    }
                    filters_out.push(report);
                    continue;
                }
                PatternValue::Known(t) => t,
            };
            report.pattern = Some(text.as_str().to_owned());
            let span_loc = |r: Range<usize>| -> Location {
                match text.source_span(r) {
                    Some(FileSpan { file, range }) => location(loaded.get(file), range),
                    None => anchor_loc.clone(),
                }
            };
            let ast = match pattern::parse(text.as_str()) {
                Ok(ast) => ast,
                Err(e) => {
                    report.valid = Some(false);
                    let mut notes = Vec::new();
                    if !text.is_verbatim() || text.as_str().contains('\n') {
                        let col = text
                            .as_str()
                            .get(..e.span().start)
                            .map_or(0, |t| t.chars().count())
                            + 1;
                        notes.push(format!(
                            "at column {col} of the pattern as deployed: `{}`",
                            text.as_str().replace('\n', "\\n")
                        ));
                    }
                    let mut d = base(Rule::PatternSyntax, e.message().to_owned());
                    d.location = Some(span_loc(e.span().range()));
                    d.help = e.help().map(str::to_owned);
                    d.syntax_error = Some(e.kind().code());
                    d.notes = notes;
                    diags.push((d, Some(ctx.clone())));
                    if let Some((row, by)) = intent_from_hints(f, opts) {
                        report.control = Some(row.control.to_owned());
                        report.matched_by = Some(by);
                        report.verdict = Some(Verdict::Invalid);
                        report.passes = Some(false);
                    }
                    filters_out.push(report);
                    continue;
                }
            };
            report.valid = Some(true);
            // CIS conformance.
            let mut conforming = false;
            let mut exempt = Vec::new();
            if let Some((cmp, by)) = conformance(text.as_str(), f, opts) {
                exempt = exempt_cache
                    .entry(cmp.control.clone())
                    .or_insert_with(|| {
                        opts.benchmark
                            .row(&cmp.control)
                            .map(|row| {
                                row.canonical
                                    .iter()
                                    .filter_map(|form| pattern::parse(form).ok())
                                    .flat_map(|a| rules::ne_paths(&a))
                                    .collect()
                            })
                            .unwrap_or_default()
                    })
                    .clone();
                report.control = Some(cmp.control.clone());
                report.matched_by = Some(by);
                report.verdict = Some(cmp.verdict);
                report.passes = Some(cmp.passes);
                conforming = cmp.passes;
                if cmp.passes && f.kind == FilterKind::MetricFilter {
                    passing.push((cmp.control.clone(), f.resource.clone()));
                }
                if let Some(d) = verdict_diagnostic(&cmp, by, opts) {
                    let mut d2 = base(d.0, d.1);
                    d2.control = Some(cmp.control.clone());
                    d2.help = d.2;
                    d2.notes = d.3;
                    diags.push((d2, Some(ctx.clone())));
                }
            }
            // Pattern warnings.
            let mut findings = rules::never_matches(&ast);
            if !conforming {
                findings.extend(rules::semantic_parts(&ast, &findings));
                findings.extend(rules::ne_on_optional(&ast, &exempt));
            }
            for pf in findings {
                let mut d = base(pf.rule, pf.message);
                d.location = Some(span_loc(pf.span.range()));
                d.help = pf.help;
                d.related = pf
                    .related
                    .into_iter()
                    .map(|(s, m)| Related {
                        location: span_loc(s.range()),
                        message: m,
                    })
                    .collect();
                diags.push((d, Some(ctx.clone())));
            }
            filters_out.push(report);
        }
    }

    // Controls required.
    let mut required = Vec::new();
    let wanted: Vec<&cis::PatternRow> = match &opts.require {
        Require::Nothing => Vec::new(),
        Require::All => opts.benchmark.rows.iter().collect(),
        Require::Controls(ids) => ids.iter().filter_map(|id| opts.benchmark.row(id)).collect(),
    };
    for row in wanted {
        // A filter meant for another control may pass this one too (3.3 and
        // 1.1 share a pattern in cis-1.2).
        let mut passed_by: Vec<String> = passing
            .iter()
            .filter(|(c, _)| c == row.control)
            .map(|(_, r)| r.clone())
            .collect();
        if passed_by.is_empty() {
            for unit in &units {
                for f in &unit.filters {
                    if let (FilterKind::MetricFilter, PatternValue::Known(t)) = (f.kind, &f.pattern)
                        && cis::verdict::compare(t.as_str(), opts.benchmark, row.control, opts.mode)
                            .is_some_and(|c| c.passes)
                    {
                        passed_by.push(f.resource.clone());
                    }
                }
            }
        }
        passed_by.dedup();
        if passed_by.is_empty() {
            diags.push((
                Diagnostic {
                    control: Some(row.control.to_owned()),
                    help: Some(format!(
                        "add a metric filter with the pattern `{}`",
                        row.canonical.first().copied().unwrap_or("")
                    )),
                    ..diagnostic(
                        Rule::CisMissing,
                        format!(
                            "no metric filter in these files passes {} {} ({}) under `{}` matching",
                            opts.benchmark.name, row.control, row.title, opts.mode
                        ),
                    )
                },
                None,
            ));
        }
        required.push(Requirement {
            control: row.control.to_owned(),
            title: row.title.to_owned(),
            passed_by,
        });
    }

    // Suppression.
    let mut suppressed = 0;
    let mut diagnostics = Vec::new();
    for (d, ctx) in diags {
        let rule = Rule::from_code(d.code).unwrap_or(Rule::FileError);
        if is_suppressed(
            rule,
            &d,
            ctx.as_ref(),
            opts,
            &directives,
            &file_disabled,
            &loaded,
            files,
        ) {
            suppressed += 1;
        } else {
            diagnostics.push(d);
        }
    }
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.location
                .as_ref()
                .map(|l| (0, l.path.clone(), l.byte_start))
                .unwrap_or((1, String::new(), 0))
        };
        key(a).cmp(&key(b)).then_with(|| a.code.cmp(b.code))
    });
    diagnostics.dedup();
    Report {
        benchmark: opts.benchmark.name,
        mode: opts.mode,
        files_scanned: files.len() - skipped.len(),
        filters: filters_out,
        diagnostics,
        required,
        suppressed,
        skipped,
    }
}

/// What a diagnostic about a filter knows for suppression.
#[derive(Clone, Debug)]
struct Ctx {
    file: FileId,
    extent: Range<usize>,
    disabled: Vec<String>,
}

impl Ctx {
    fn of(f: &Filter) -> Self {
        Ctx {
            file: f.file,
            extent: f.extent.clone(),
            disabled: f.disabled.clone(),
        }
    }
}

fn diagnostic(rule: Rule, message: String) -> Diagnostic {
    Diagnostic {
        code: rule.code(),
        rule: rule.name(),
        level: rule.level(),
        message,
        location: None,
        resource: None,
        variant: None,
        control: None,
        syntax_error: None,
        help: None,
        notes: Vec::new(),
        related: Vec::new(),
    }
}

fn location(l: Option<&Loaded<'_>>, range: Range<usize>) -> Location {
    let Some(l) = l else {
        return Location {
            path: String::new(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            byte_start: range.start,
            byte_end: range.end,
            source_line: String::new(),
        };
    };
    let start = text::floor_char_boundary(l.full, range.start);
    let end = text::floor_char_boundary(l.full, range.end.max(start));
    let (line, column) = l.index.position(l.full, start);
    let (end_line, end_column) = l.index.position(l.full, end);
    Location {
        path: l.path.to_owned(),
        line,
        column,
        end_line,
        end_column,
        byte_start: start,
        byte_end: end,
        source_line: l.index.line(l.full, line).to_owned(),
    }
}

/// The location cut to its first line (a pattern folded over lines).
fn first_line(l: &Location) -> Location {
    let mut l = l.clone();
    if l.end_line > l.line {
        l.end_line = l.line;
        l.end_column = l.source_line.chars().count() + 1;
    }
    l
}

/// Whether an alarm of the unit watches the filter's metric: one that
/// refers to the filter resource, or one on the same metric name in a
/// namespace that can be the same. A filter with a literal name is also
/// taken as watched when some alarm's metric name is not known.
/// At most this many module instances are linted, and modules nest at most
/// this deep.
const MAX_INSTANCES: usize = 256;
const MAX_MODULE_DEPTH: usize = 8;

/// A directory path with `.` and `..` resolved and `/` separators.
fn normal_dir(dir: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in dir.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if dir.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The directory a local module `source` names, from the calling module's
/// directory (both normal).
fn join_dir(dir: &str, source: &str) -> Option<String> {
    let joined = if dir.is_empty() {
        source.to_owned()
    } else {
        format!("{dir}/{source}")
    };
    let d = normal_dir(&joined);
    // Above the directories given: not among the linted files.
    (d != dir).then_some(d)
}

/// What identifies a filter's finding: where the resource is, the branch,
/// the pattern and the metric. An instance's filter with the key of a
/// filter of its directory on its own adds nothing.
type FilterKey = (
    FileId,
    usize,
    Option<String>,
    Result<String, String>,
    Option<Metric>,
);

fn filter_key(f: &Filter) -> FilterKey {
    let pattern = match &f.pattern {
        PatternValue::Known(t) => Ok(t.as_str().to_owned()),
        PatternValue::Unknown(why) => Err(why.clone()),
    };
    (
        f.file,
        f.extent.start,
        f.variant.clone(),
        pattern,
        f.metric.clone(),
    )
}

/// The instances of local modules, made one at a time and de-duplicated as
/// they are made.
struct Instancing<'r, 'a> {
    by_dir: &'r BTreeMap<String, terraform::ParsedModule<'a>>,
    budget: &'r terraform::Budget,
    /// The keys of the filters of every directory on its own.
    seen: std::collections::HashSet<FilterKey>,
    /// The instances made: the module's directory and its inputs. Another
    /// call of the same directory with the same inputs would give the same
    /// filters again; it is linted once, under the first call's name.
    done: Vec<(String, terraform::Inputs)>,
    /// How many instances were made.
    count: usize,
    out: Vec<Unit>,
}

impl Instancing<'_, '_> {
    /// Lint the instances of the local modules that `calls` (made in `dir`)
    /// name, and of the modules those call, with their inputs.
    fn instantiate(
        &mut self,
        dir: &str,
        calls: &[terraform::ModuleCall],
        prefix: &str,
        path: &mut Vec<String>,
    ) {
        for call in calls {
            let Some(child) = join_dir(dir, &call.source) else {
                continue;
            };
            let Some(module) = self.by_dir.get(&child) else {
                continue;
            };
            if self.count >= MAX_INSTANCES || path.len() > MAX_MODULE_DEPTH || path.contains(&child)
            {
                continue;
            }
            if self
                .done
                .iter()
                .any(|(d, inputs)| *d == child && *inputs == call.inputs)
            {
                continue;
            }
            self.done.push((child.clone(), call.inputs.clone()));
            self.count += 1;
            let prefix = format!("{prefix}module.{}.", call.name);
            let (mut unit, sub) = module.extract(&call.inputs, &prefix, self.budget);
            unit.filters.retain(|f| !self.seen.contains(&filter_key(f)));
            self.out.push(unit);
            path.push(child.clone());
            self.instantiate(&child, &sub, &prefix, path);
            path.pop();
        }
    }
}

/// Add the module instances to the units (each file or module directory
/// on its own). A directory's filter whose pattern is not known there is
/// dropped where an instance knows it.
fn merge_instances(units: &mut Vec<Unit>, instances: Vec<Unit>) {
    if instances.is_empty() {
        return;
    }
    let known: std::collections::HashSet<(FileId, usize)> = instances
        .iter()
        .flat_map(|u| &u.filters)
        .filter(|f| matches!(f.pattern, PatternValue::Known(_)))
        .map(|f| (f.file, f.extent.start))
        .collect();
    for u in units.iter_mut() {
        u.filters.retain(|f| {
            !(matches!(f.pattern, PatternValue::Unknown(_))
                && known.contains(&(f.file, f.extent.start)))
        });
    }
    units.extend(instances);
}

fn has_alarm(unit: &Unit, f: &Filter, metric: &Metric) -> bool {
    let address = f.resource.split('[').next().unwrap_or(&f.resource);
    unit.alarms.iter().any(|a| {
        a.refers_to.iter().any(|r| r == address)
            || a.metrics
                .iter()
                .any(|m| m.name == metric.name && m.same_namespace(metric))
    }) || (matches!(metric.name, MetricKey::Literal(_))
        && unit.alarms.iter().any(|a| {
            a.metrics
                .iter()
                .any(|m| matches!(m.name, MetricKey::Symbol(_)))
        }))
}

/// The namespaces of the unit's alarms on the filter's metric name, when
/// none of them is the filter's: the likely mistake behind a missing alarm.
fn other_namespaces(unit: &Unit, metric: &Metric) -> Vec<String> {
    let mut out: Vec<String> = unit
        .alarms
        .iter()
        .flat_map(|a| &a.metrics)
        .filter(|m| m.name == metric.name)
        .filter_map(|m| match &m.namespace {
            Some(MetricKey::Literal(ns) | MetricKey::Symbol(ns)) => Some(format!("`{ns}`")),
            None => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The control a filter's names point at: `CIS-3.1-…`, `3.01`, a
/// Security Hub id, or a well-known metric name (`UnauthorizedAPICalls`).
fn intent_from_hints(
    f: &Filter,
    opts: &Options,
) -> Option<(&'static cis::PatternRow, &'static str)> {
    if let Some(c) = &opts.control {
        return opts.benchmark.row(c).map(|r| (r, "option"));
    }
    f.names
        .iter()
        .find_map(|n| control_from_name(n, opts.benchmark))
        .map(|r| (r, "name"))
}

/// The CIS v1.2.0 control a well-known metric or alarm name stands for.
/// Names are compared lowercase with only letters and digits; the longest
/// alias contained in the name wins.
const ALIASES: &[(&str, &str)] = &[
    ("unauthorizedapicall", "3.1"),
    ("unauthorizedapi", "3.1"),
    ("nomfaconsolesignin", "3.2"),
    ("consolesigninwithoutmfa", "3.2"),
    ("consoleloginwithoutmfa", "3.2"),
    ("signinwithoutmfa", "3.2"),
    ("loginwithoutmfa", "3.2"),
    ("mgmtconsolenomfa", "3.2"),
    ("nonmfaconsolelogin", "3.2"),
    ("rootusage", "3.3"),
    ("rootaccountusage", "3.3"),
    ("useofrootacc", "3.3"),
    ("rootuser", "3.3"),
    ("rootlogin", "3.3"),
    ("iamchanges", "3.4"),
    ("iampolicychanges", "3.4"),
    ("iampolicy", "3.4"),
    ("cloudtrailcfgchanges", "3.5"),
    ("cloudtrailconfigchanges", "3.5"),
    ("cloudtrailchanges", "3.5"),
    ("consolesigninfailures", "3.6"),
    ("consoleauthfailures", "3.6"),
    ("consoleloginfailures", "3.6"),
    ("loginfailure", "3.6"),
    ("disableordeletecmk", "3.7"),
    ("disabledeletecmk", "3.7"),
    ("cmkdeletedisable", "3.7"),
    ("s3bucketpolicychanges", "3.8"),
    ("s3bucketpolicy", "3.8"),
    ("awsconfigchanges", "3.9"),
    ("configchanges", "3.9"),
    ("securitygroupchanges", "3.10"),
    ("secgroupchanges", "3.10"),
    ("naclchanges", "3.11"),
    ("networkaclchanges", "3.11"),
    ("networkgwchanges", "3.12"),
    ("networkgatewaychanges", "3.12"),
    ("gatewaychanges", "3.12"),
    ("routetablechanges", "3.13"),
    ("vpcchanges", "3.14"),
];

/// The benchmark row a name points at, if any.
pub fn control_from_name(
    name: &str,
    bench: &'static Benchmark,
) -> Option<&'static cis::PatternRow> {
    // A Security Hub id: `CloudWatch.2`.
    let lower = name.to_ascii_lowercase();
    if let Some(p) = lower.find("cloudwatch.") {
        let digits: String = lower
            .get(p + 11..)
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !digits.is_empty()
            && let Some(r) = bench.row(&format!("CloudWatch.{digits}"))
        {
            return Some(r);
        }
    }
    // A control number: `CIS-3.1`, `cis_3_1`, `3.01` (not a version `v1.2`).
    if let Some(id) = control_number(name) {
        if let Some(r) = bench.row(&id) {
            return Some(r);
        }
        if let Some(sh) = cis::control(&id).and_then(|c| c.securityhub_id)
            && let Some(r) = bench.row(sh)
        {
            return Some(r);
        }
    }
    let squashed: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    let (_, id) = ALIASES
        .iter()
        .filter(|(alias, _)| squashed.contains(alias))
        .max_by_key(|(alias, _)| alias.len())?;
    bench.row(id).or_else(|| {
        cis::control(id)
            .and_then(|c| c.securityhub_id)
            .and_then(|sh| bench.row(sh))
    })
}

/// The last `N.M` (or `N_M`, `N-M` after `cis`) in a name that is not a
/// version number, normalised (`3.01` → `3.1`).
fn control_number(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < b.len() {
        if b.get(i).is_some_and(u8::is_ascii_digit) {
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let sep = b.get(i).copied();
            if matches!(sep, Some(b'.' | b'_')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                let mid = i + 1;
                let mut j = mid;
                while b.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                let before = start.checked_sub(1).and_then(|p| b.get(p)).copied();
                let version = matches!(before, Some(b'v' | b'V' | b'.'))
                    || (before == Some(b'.')
                        && start >= 2
                        && matches!(b.get(start - 2), Some(b'v' | b'V')))
                    || matches!(b.get(j), Some(b'.'));
                let major = name.get(start..i).and_then(|s| s.parse::<u32>().ok());
                let minor = name.get(mid..j).and_then(|s| s.parse::<u32>().ok());
                if !version && let (Some(ma), Some(mi)) = (major, minor) {
                    found = Some(format!("{ma}.{mi}"));
                }
                i = j;
                continue;
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The comparison of a filter with the control it is meant for.
fn conformance(pattern: &str, f: &Filter, opts: &Options) -> Option<(Comparison, &'static str)> {
    if f.kind != FilterKind::MetricFilter && opts.control.is_none() {
        return None;
    }
    if let Some((row, by)) = intent_from_hints(f, opts) {
        return cis::verdict::compare(pattern, opts.benchmark, row.control, opts.mode)
            .map(|c| (c, by));
    }
    let conditions = match pattern::normalize(pattern) {
        Ok(pattern::Normal::Json(e)) => e.leaves().len(),
        _ => 0,
    };
    if conditions < 2 {
        return None;
    }
    let cl = cis::verdict::classify(pattern, opts.benchmark, opts.mode);
    let top = cl.candidates.first()?;
    if top.score < INTENT_SCORE {
        return None;
    }
    cl.best.map(|c| (c, "closest"))
}

/// The diagnostic for a verdict, if any: rule, message, help, notes.
fn verdict_diagnostic(
    cmp: &Comparison,
    by: &str,
    opts: &Options,
) -> Option<(Rule, String, Option<String>, Vec<String>)> {
    let why = match by {
        "option" => "named with --control",
        "name" => "named for it",
        _ => "closest to it",
    };
    let mut notes: Vec<String> = cmp
        .differences
        .iter()
        .map(|d| {
            let mut s = format!("{}: {}", d.change.as_str(), d.term);
            match (&d.expected, &d.found) {
                (Some(e), Some(f)) => s.push_str(&format!(" (expected `{e}`, found `{f}`)")),
                (Some(e), None) => s.push_str(&format!(" (expected `{e}`)")),
                (None, Some(f)) => s.push_str(&format!(" (found `{f}`)")),
                (None, None) => {}
            }
            s
        })
        .collect();
    if let Some(n) = &cmp.note {
        notes.push(n.clone());
    }
    let title = opts
        .benchmark
        .row(&cmp.control)
        .map_or(String::new(), |r| format!(" ({})", r.title));
    match (cmp.verdict, cmp.passes) {
        (Verdict::Exact, _) | (Verdict::Invalid, _) => None,
        (Verdict::Equivalent, true) => Some((
            Rule::CisEquivalent,
            format!(
                "equivalent to the {} {}{} pattern but not written the same; Security Hub may still fail it",
                opts.benchmark.name, cmp.control, title
            ),
            Some(format!(
                "write it as `{}` for Security Hub parity",
                cmp.canonical
            )),
            notes,
        )),
        (_, _) => {
            notes.push(format!("the filter is {why}; expected `{}`", cmp.canonical));
            Some((
                Rule::CisNonconforming,
                format!(
                    "the pattern is {} from the {} {}{} pattern under `{}` matching",
                    if cmp.verdict == Verdict::Equivalent {
                        "not exactly the same as"
                    } else {
                        "different"
                    },
                    opts.benchmark.name,
                    cmp.control,
                    title,
                    opts.mode
                )
                .replace(
                    "is not exactly the same as from",
                    "is not exactly the same as",
                ),
                Some(String::from(
                    "use the canonical pattern, or disable CF0200 for this resource if it is not meant for this control",
                )),
                notes,
            ))
        }
    }
}

/// Find `cis-filters: disable=…` and `cis-filters: disable-file=…` in
/// comments (after `#`, `//` or `/*` on the same line).
fn scan_directives(file: FileId, text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    if !text.contains("cis-filters:") {
        return out;
    }
    let idx = LineIndex::new(text);
    for line_no in 1..=idx.lines() {
        let line = idx.line(text, line_no);
        let Some(p) = line.find("cis-filters:") else {
            continue;
        };
        let before = line.get(..p).unwrap_or("");
        if !(before.contains('#') || before.contains("//") || before.contains("/*")) {
            continue;
        }
        let rest = line
            .get(p + "cis-filters:".len()..)
            .unwrap_or("")
            .trim_start();
        let (whole_file, list) = if let Some(l) = rest.strip_prefix("disable-file=") {
            (true, l)
        } else if let Some(l) = rest.strip_prefix("disable=") {
            (false, l)
        } else {
            continue;
        };
        let codes: Vec<String> = list
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == ',' || c == '-'))
            .next()
            .unwrap_or("")
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        out.push(Directive {
            file,
            line: line_no,
            codes,
            whole_file,
        });
    }
    out
}

/// Whether line `line` of a file is blank or only a comment.
fn comment_or_blank(l: &Loaded<'_>, line: usize) -> bool {
    let t = l.index.line(l.full, line).trim_start();
    t.is_empty()
        || t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
}

/// Whether a line directive at `d` applies to `line`: the same line, or a
/// comment block directly above it.
fn applies_to(d: &Directive, l: &Loaded<'_>, line: usize) -> bool {
    d.line == line
        || (d.line < line
            && (d.line + 1..line).all(|n| comment_or_blank(l, n))
            && comment_or_blank(l, d.line))
}

#[allow(clippy::too_many_arguments)]
fn is_suppressed(
    rule: Rule,
    d: &Diagnostic,
    ctx: Option<&Ctx>,
    opts: &Options,
    directives: &[Directive],
    file_disabled: &[(FileId, String)],
    loaded: &[Loaded<'_>],
    files: &[SourceFile],
) -> bool {
    if opts.disable.contains(&rule) {
        return true;
    }
    let matches_code = |c: &str| c.eq_ignore_ascii_case("all") || Rule::from_code(c) == Some(rule);
    let diag_file = d.location.as_ref().and_then(|l| {
        // Most diagnostics are in the filter's own file; look there first.
        match ctx {
            Some(c) if files.get(c.file).is_some_and(|f| f.path == l.path) => Some(c.file),
            _ => files.iter().position(|f| f.path == l.path),
        }
    });
    let mut in_files: Vec<FileId> = diag_file.into_iter().collect();
    if let Some(c) = ctx {
        in_files.push(c.file);
        if c.disabled.iter().any(|x| matches_code(x)) {
            return true;
        }
    }
    if file_disabled
        .iter()
        .any(|(f, c)| in_files.contains(f) && matches_code(c))
    {
        return true;
    }
    if rule == Rule::FileError || rule == Rule::CisMissing {
        return directives
            .iter()
            .any(|x| x.whole_file && in_files.contains(&x.file) && x.covers(rule));
    }
    directives.iter().filter(|x| x.covers(rule)).any(|x| {
        if x.whole_file {
            return in_files.contains(&x.file);
        }
        let Some(l) = loaded.get(x.file) else {
            return false;
        };
        // The resource: a directive inside it or directly above it.
        if let Some(c) = ctx
            && c.file == x.file
        {
            let (first, _) = l.index.position(l.full, c.extent.start);
            let (last, _) = l.index.position(l.full, c.extent.end);
            if (first..=last).contains(&x.line) || applies_to(x, l, first) {
                return true;
            }
        }
        // The diagnostic's own line (e.g. a pattern in a locals map).
        d.location
            .as_ref()
            .is_some_and(|loc| Some(x.file) == diag_file && applies_to(x, l, loc.line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)], opts: &Options) -> Report {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(p, t)| SourceFile {
                path: (*p).to_owned(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect();
        lint(&files, opts)
    }

    fn codes(r: &Report) -> Vec<&str> {
        r.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn control_numbers_in_names() {
        assert_eq!(
            control_number("CIS-3.1-UnauthorizedAPICalls").as_deref(),
            Some("3.1")
        );
        assert_eq!(
            control_number("CIS Benchmark v.1.1 - 3.01 Unauthorized").as_deref(),
            Some("3.1")
        );
        assert_eq!(control_number("cis_3_10").as_deref(), Some("3.10"));
        assert_eq!(control_number("v1.2"), None);
        assert_eq!(control_number("1.2.3"), None);
        assert_eq!(control_number("nothing"), None);
    }

    #[test]
    fn names_point_at_controls() {
        let b = cis::benchmark("cis-1.2").unwrap();
        assert_eq!(
            control_from_name("UnauthorizedAPICalls", b)
                .unwrap()
                .control,
            "3.1"
        );
        assert_eq!(
            control_from_name("CloudTrailConfigChanges", b)
                .unwrap()
                .control,
            "3.5"
        );
        assert_eq!(
            control_from_name("x-CloudWatch.2", b).unwrap().control,
            "3.1"
        );
        assert_eq!(
            control_from_name("CIS-3.14-VPC", b).unwrap().control,
            "3.14"
        );
        assert!(control_from_name("SomethingElse", b).is_none());
        let sh = cis::benchmark("securityhub").unwrap();
        assert_eq!(
            control_from_name("RootUsage", sh).unwrap().control,
            "CloudWatch.1"
        );
    }

    #[test]
    fn file_kinds() {
        assert_eq!(file_kind("a/b/main.tf"), Some(FileKind::Terraform));
        assert_eq!(file_kind("x.TF.JSON"), Some(FileKind::TerraformJson));
        assert_eq!(file_kind("t.template"), Some(FileKind::Yaml));
        assert_eq!(file_kind("t.json"), Some(FileKind::Json));
        assert_eq!(file_kind("README.md"), None);
    }

    const ROOT_OK: &str = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;

    #[test]
    fn suppression_comments_and_metadata() {
        let tf = format!(
            "# cis-filters: disable=CF0302\nresource \"aws_cloudwatch_log_metric_filter\" \"root\" {{\n  pattern = {:?}\n  metric_transformation {{\n    name = \"RootUsage\"\n  }}\n}}\n",
            ROOT_OK
        );
        let r = run(&[("m/main.tf", &tf)], &Options::default());
        assert_eq!(codes(&r), Vec::<&str>::new(), "{:#?}", r.diagnostics);
        assert_eq!(r.suppressed, 1);
        let unsuppressed = tf.replacen("# cis-filters: disable=CF0302\n", "", 1);
        let r = run(&[("m/main.tf", &unsuppressed)], &Options::default());
        assert_eq!(codes(&r), vec!["CF0302"]);
        assert_eq!(r.filters[0].verdict, Some(Verdict::Exact));
        assert_eq!(r.filters[0].control.as_deref(), Some("3.3"));
        // File-wide and run-wide.
        let r = run(
            &[(
                "m/main.tf",
                &format!("// cis-filters: disable-file=no-alarm\n{unsuppressed}"),
            )],
            &Options::default(),
        );
        assert!(codes(&r).is_empty());
        let r = run(
            &[("m/main.tf", &unsuppressed)],
            &Options {
                disable: vec![Rule::NoAlarm],
                ..Options::default()
            },
        );
        assert!(codes(&r).is_empty());
    }

    #[test]
    fn an_alarm_in_another_namespace_does_not_watch_the_metric() {
        let module = |filter_ns: &str, alarm_ns: &str| {
            format!(
                "resource \"aws_cloudwatch_log_metric_filter\" \"root\" {{\n  pattern = {ROOT_OK:?}\n  metric_transformation {{\n    name = \"RootUsage\"\n{filter_ns}  }}\n}}\nresource \"aws_cloudwatch_metric_alarm\" \"root\" {{\n  metric_name = \"RootUsage\"\n{alarm_ns}}}\n"
            )
        };
        let ns = |v: &str| format!("  namespace = {v}\n");
        let lint_module = |tf: &str| run(&[("m/main.tf", tf)], &Options::default());
        // Same namespace, or none given on either side: watched.
        for (f, a) in [
            (ns("\"CISBenchmark\""), ns("\"CISBenchmark\"")),
            (ns("\"CISBenchmark\""), String::new()),
            (String::new(), ns("\"Other\"")),
            // Not known statically: not known to differ.
            (ns("\"CISBenchmark\""), ns("var.namespace")),
            (ns("var.a"), ns("var.b")),
        ] {
            let r = lint_module(&module(&f, &a));
            assert!(codes(&r).is_empty(), "{f} / {a}: {:#?}", r.diagnostics);
        }
        // Different literal namespaces: not watched, and the message says why.
        let r = lint_module(&module(&ns("\"CISBenchmark\""), &ns("\"LogMetrics\"")));
        assert_eq!(codes(&r), vec!["CF0302"]);
        let m = &r.diagnostics[0].message;
        assert!(
            m.contains("namespace `CISBenchmark`") && m.contains("`LogMetrics`"),
            "{m}"
        );
        // The same in CloudFormation, with a metric-math alarm.
        let cfn = |alarm_ns: &str| {
            format!(
                "Resources:\n  Root:\n    Type: AWS::Logs::MetricFilter\n    Properties:\n      LogGroupName: trail\n      FilterPattern: '{ROOT_OK}'\n      MetricTransformations:\n        - MetricName: RootUsage\n          MetricNamespace: CISBenchmark\n          MetricValue: '1'\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Metrics:\n        - Id: m1\n          MetricStat:\n            Metric:\n              MetricName: RootUsage\n              Namespace: {alarm_ns}\n"
            )
        };
        let r = run(&[("t.yaml", &cfn("CISBenchmark"))], &Options::default());
        assert!(codes(&r).is_empty(), "{:#?}", r.diagnostics);
        let r = run(&[("t.yaml", &cfn("Custom"))], &Options::default());
        assert_eq!(codes(&r), vec!["CF0302"]);
    }

    #[test]
    fn local_modules_are_linted_with_their_inputs() {
        let child = r#"
variable "root_pattern" {}
variable "auth_pattern" {}
variable "metric_namespace" { default = "CISBenchmark" }
resource "aws_cloudwatch_log_metric_filter" "root" {
  pattern = var.root_pattern
  metric_transformation {
    name      = "RootUsage"
    namespace = var.metric_namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "auth" {
  pattern = var.auth_pattern
  metric_transformation {
    name      = "ConsoleSigninFailures"
    namespace = var.metric_namespace
  }
}
resource "aws_cloudwatch_log_metric_filter" "fixed" {
  pattern = "{ $.eventName = "
}
resource "aws_cloudwatch_metric_alarm" "root" {
  metric_name = "RootUsage"
  namespace   = "CISBenchmark"
}
resource "aws_cloudwatch_metric_alarm" "auth" {
  metric_name = "ConsoleSigninFailures"
  namespace   = "CISBenchmark"
}
"#;
        let root = format!(
            "locals {{\n  root = {ROOT_OK:?}\n}}\nvariable \"unknown\" {{}}\nmodule \"alarms\" {{\n  source       = \"../modules/./cis\"\n  root_pattern = local.root\n  auth_pattern = \"{{ ($.eventName = ConsoleLogin) && ($.errorMessage = \\\"Failedauthentication\\\") }}\"\n}}\nmodule \"other\" {{\n  source           = \"../modules/cis\"\n  root_pattern     = var.unknown\n  auth_pattern     = local.root\n  metric_namespace = \"Elsewhere\"\n}}\nmodule \"registry\" {{\n  source = \"terraform-aws-modules/cloudwatch/aws\"\n}}\n"
        );
        let r = run(
            &[("live/main.tf", &root), ("modules/cis/main.tf", child)],
            &Options::default(),
        );
        let found: Vec<(&str, &str)> = r
            .diagnostics
            .iter()
            .map(|d| (d.code, d.resource.as_deref().unwrap_or("")))
            .collect();
        // The module on its own: the broken literal once; the patterns from
        // inputs are not reported as unknown, since the instances know them.
        assert!(
            found.contains(&("CF0100", "aws_cloudwatch_log_metric_filter.fixed")),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|(_, res)| res.contains(".fixed") && res.starts_with("module.")),
            "{found:?}"
        );
        // module.alarms: root passes; the authentication pattern is a near miss,
        // reported at the caller's line.
        let auth = r
            .diagnostics
            .iter()
            .find(|d| {
                d.resource.as_deref() == Some("module.alarms.aws_cloudwatch_log_metric_filter.auth")
            })
            .unwrap();
        assert_eq!(auth.code, "CF0200");
        assert_eq!(auth.location.as_ref().unwrap().path, "live/main.tf");
        assert!(r.filters.iter().any(|f| f.resource
            == "module.alarms.aws_cloudwatch_log_metric_filter.root"
            && f.passes == Some(true)));
        // module.other: an input not known statically, and an alarm in
        // another namespace than the one given.
        assert!(
            found.contains(&(
                "CF0002",
                "module.other.aws_cloudwatch_log_metric_filter.root"
            )),
            "{found:?}"
        );
        let unknown = r
            .diagnostics
            .iter()
            .find(|d| {
                d.code == "CF0002"
                    && d.resource.as_deref()
                        == Some("module.other.aws_cloudwatch_log_metric_filter.root")
            })
            .unwrap();
        assert!(
            unknown.message.contains("given by the calling module"),
            "{}",
            unknown.message
        );
        assert!(
            found.contains(&(
                "CF0302",
                "module.other.aws_cloudwatch_log_metric_filter.auth"
            )),
            "{found:?}"
        );
        // Not a single unknown-pattern info for the module on its own.
        assert!(
            !found.contains(&("CF0002", "aws_cloudwatch_log_metric_filter.root")),
            "{found:?}"
        );
    }

    #[test]
    fn modules_with_for_each_and_count_are_one_instance_per_key() {
        let child = "variable \"p\" {}\nresource \"aws_cloudwatch_log_metric_filter\" \"root\" {\n  name    = \"RootUsage\"\n  pattern = var.p\n}\n";
        let root = format!(
            "locals {{\n  ok = {ROOT_OK:?}\n  patterns = {{\n    good = {ROOT_OK:?}\n    bad  = \"{{ $.userIdentity.type = Root }}\"\n  }}\n}}\nmodule \"by_key\" {{\n  for_each = local.patterns\n  source   = \"./m\"\n  p        = each.value\n}}\nmodule \"by_index\" {{\n  count  = 2\n  source = \"./m\"\n  p      = [local.ok, \"{{ $.a = 1 }}\"][count.index]\n}}\n"
        );
        let r = run(
            &[("main.tf", &root), ("m/main.tf", child)],
            &Options::default(),
        );
        let verdicts: Vec<(&str, Option<bool>)> = r
            .filters
            .iter()
            .map(|f| (f.resource.as_str(), f.passes))
            .collect();
        for (resource, passes) in [
            (
                "module.by_key[\"good\"].aws_cloudwatch_log_metric_filter.root",
                Some(true),
            ),
            (
                "module.by_key[\"bad\"].aws_cloudwatch_log_metric_filter.root",
                Some(false),
            ),
            (
                "module.by_index[0].aws_cloudwatch_log_metric_filter.root",
                Some(true),
            ),
            (
                "module.by_index[1].aws_cloudwatch_log_metric_filter.root",
                Some(false),
            ),
        ] {
            assert!(
                verdicts.contains(&(resource, passes)),
                "{resource}: {verdicts:#?}"
            );
        }
    }

    /// Each bound of [`Limits`], made small: a value over its share is
    /// unknown (CF0002); a run over its share is a file error (CF0001).
    #[test]
    fn evaluation_limits() {
        let tf = |n: usize| {
            let mut s = String::from(
                "locals {\n  a = \"{ $.a = 1 }\"\n  b = \"${local.a}${local.a}\"\n}\n",
            );
            for i in 0..n {
                s.push_str(&format!(
                    "resource \"aws_cloudwatch_log_metric_filter\" \"f{i}\" {{\n  count   = 3\n  pattern = local.a\n}}\n"
                ));
            }
            s.push_str(
                "resource \"aws_cloudwatch_log_metric_filter\" \"big\" {\n  pattern = local.b\n}\n",
            );
            s
        };
        let with = |limits: Limits| Options {
            limits,
            ..Options::default()
        };
        let small = Limits {
            eval_steps: 1000,
            eval_bytes: 1000,
            run_steps: 1000,
            filters: 1000,
        };
        // Within every bound.
        let r = run(&[("main.tf", &tf(4))], &with(small));
        assert_eq!(r.filters.len(), 13);
        assert!(codes(&r).iter().all(|c| *c != "CF0001" && *c != "CF0002"));
        // A value that builds more bytes than allowed.
        let r = run(
            &[("main.tf", &tf(1))],
            &with(Limits {
                eval_bytes: 20,
                ..small
            }),
        );
        let d = r.diagnostics.iter().find(|d| d.code == "CF0002").unwrap();
        assert_eq!(
            d.resource.as_deref(),
            Some("aws_cloudwatch_log_metric_filter.big")
        );
        assert!(
            d.message
                .contains("too large to evaluate (more than 20 bytes"),
            "{}",
            d.message
        );
        // A value that takes more steps than allowed.
        let r = run(
            &[("main.tf", &tf(1))],
            &with(Limits {
                eval_steps: 2,
                ..small
            }),
        );
        let d = r.diagnostics.iter().find(|d| d.code == "CF0002").unwrap();
        assert!(
            d.message.contains("more than 2 evaluation steps"),
            "{}",
            d.message
        );
        // More filter instances than the run allows: the rest is a file error.
        let r = run(
            &[("main.tf", &tf(4))],
            &with(Limits {
                filters: 5,
                ..small
            }),
        );
        assert_eq!(r.filters.len(), 5);
        let d = r.diagnostics.iter().find(|d| d.code == "CF0001").unwrap();
        assert!(
            d.message.contains("more than 5 filter instances"),
            "{}",
            d.message
        );
        // More steps than the run allows.
        let r = run(
            &[("main.tf", &tf(4))],
            &with(Limits {
                run_steps: 10,
                ..small
            }),
        );
        let d = r.diagnostics.iter().find(|d| d.code == "CF0001").unwrap();
        assert!(
            d.message.contains("evaluation budget (10 steps) is spent"),
            "{}",
            d.message
        );
    }

    /// Override files merge into the blocks of the other files as Terraform
    /// merges them: an override that replaces the CIS pattern is what is
    /// judged, at its own position; nested blocks of a type the override
    /// has are replaced; locals and variable defaults are replaced one by
    /// one.
    #[test]
    fn override_files_are_merged() {
        let main = format!(
            "variable \"ns\" {{\n  default = \"CIS\"\n}}\nlocals {{\n  root = {ROOT_OK:?}\n}}\nresource \"aws_cloudwatch_log_metric_filter\" \"root\" {{\n  name    = \"RootUsage\"\n  pattern = local.root\n  metric_transformation {{\n    name      = \"RootUsage\"\n    namespace = var.ns\n  }}\n}}\nresource \"aws_cloudwatch_metric_alarm\" \"root\" {{\n  metric_name = \"RootUsage\"\n  namespace   = \"CIS\"\n}}\n"
        );
        let weak = "resource \"aws_cloudwatch_log_metric_filter\" \"root\" {\n  pattern = \"{ $.userIdentity.type = Root }\"\n}\n";
        fn files<'a>(main: &'a str, over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
            let mut v = vec![("m/main.tf", main)];
            v.extend_from_slice(over);
            v
        }
        // Without overrides: passes, no findings.
        let r = run(&files(&main, &[]), &Options::default());
        assert_eq!(codes(&r), Vec::<&str>::new(), "{:#?}", r.diagnostics);
        // The override's pattern is judged, where it is written.
        let r = run(
            &files(&main, &[("m/main_override.tf", weak)]),
            &Options::default(),
        );
        assert_eq!(r.filters.len(), 1);
        assert_eq!(r.filters[0].passes, Some(false));
        assert_eq!(r.filters[0].location.path, "m/main_override.tf");
        let d = r.diagnostics.iter().find(|d| d.code == "CF0200").unwrap();
        assert_eq!(d.location.as_ref().unwrap().path, "m/main_override.tf");
        // A local replaced in `override.tf` (value by value).
        let local = "locals {\n  root = \"{ $.userIdentity.type = Root }\"\n}\n";
        let r = run(
            &files(&main, &[("m/override.tf", local)]),
            &Options::default(),
        );
        assert_eq!(r.filters[0].passes, Some(false));
        assert_eq!(r.filters[0].location.path, "m/override.tf");
        // A variable default replaced, and a nested block replaced: the
        // metric's namespace no longer matches the alarm's.
        let ns = "variable \"ns\" {\n  default = \"Other\"\n}\n";
        let r = run(
            &files(&main, &[("m/ns_override.tf", ns)]),
            &Options::default(),
        );
        assert_eq!(codes(&r), vec!["CF0302"]);
        let mt = "resource \"aws_cloudwatch_log_metric_filter\" \"root\" {\n  metric_transformation {\n    name = \"Elsewhere\"\n  }\n}\n";
        let r = run(
            &files(&main, &[("m/mt_override.tf", mt)]),
            &Options::default(),
        );
        assert_eq!(codes(&r), vec!["CF0302"]);
        assert!(r.diagnostics[0].message.contains("`Elsewhere`"));
        assert_eq!(r.filters[0].passes, Some(true));
        // An override file is not a module of its own.
        assert_eq!(r.filters.len(), 1);
    }

    #[test]
    fn module_paths() {
        assert_eq!(normal_dir("a/./b/../c"), "a/c");
        assert_eq!(normal_dir("../x/y/.."), "../x");
        assert_eq!(normal_dir(r"a\b"), "a/b");
        assert_eq!(normal_dir("/abs/x/"), "/abs/x");
        assert_eq!(
            join_dir("live", "../modules/cis").as_deref(),
            Some("modules/cis")
        );
        assert_eq!(join_dir("", "./m").as_deref(), Some("m"));
        assert_eq!(join_dir("a", "./").as_deref(), None);
    }

    #[test]
    fn require_lists_missing_controls() {
        let tf = format!(
            "resource \"aws_cloudwatch_log_metric_filter\" \"root\" {{\n  pattern = {:?}\n}}\n",
            ROOT_OK
        );
        let opts = Options {
            require: Require::Controls(vec!["3.3".into(), "1.1".into(), "3.1".into()]),
            ..Options::default()
        };
        let r = run(&[("main.tf", &tf)], &opts);
        assert_eq!(codes(&r), vec!["CF0202"]);
        assert_eq!(r.diagnostics[0].control.as_deref(), Some("3.1"));
        assert_eq!(r.required.len(), 3);
        assert_eq!(
            r.required[1].passed_by,
            vec!["aws_cloudwatch_log_metric_filter.root"]
        );
    }

    #[test]
    fn non_utf8_is_an_error_and_the_run_goes_on() {
        let mut bad =
            b"resource \"aws_cloudwatch_log_metric_filter\" \"x\" {\n pattern = \"\xff\"\n}\n"
                .to_vec();
        bad.push(b'\n');
        let good = "resource \"aws_cloudwatch_log_metric_filter\" \"y\" {\n  pattern = \"{ $.a = \\\"x\\\" &&\"\n}\n".to_owned();
        let files = vec![
            SourceFile {
                path: "a/bad.tf".into(),
                bytes: bad,
            },
            SourceFile {
                path: "b/good.tf".into(),
                bytes: good.into_bytes(),
            },
            SourceFile {
                path: "c/other.json".into(),
                bytes: vec![0xff, 0xfe],
            },
        ];
        let r = lint(&files, &Options::default());
        assert_eq!(codes(&r), vec!["CF0001", "CF0100"]);
        let loc = r.diagnostics[0].location.as_ref().unwrap();
        assert_eq!(loc.path, "a/bad.tf");
        assert!(r.diagnostics[0].message.contains("byte 0xff"));
        assert_eq!((loc.line, loc.column), (2, 13));
    }

    /// A file of no known kind by name is read by what it names; a file
    /// over the size limit is an error only when it names a filter type.
    #[test]
    fn unnamed_and_oversized_files() {
        let tf = "resource \"aws_cloudwatch_log_metric_filter\" \"x\" {\n  pattern = \"{ $.a = 1 }\"\n}\n";
        let r = run(
            &[("/dev/fd/63", tf), ("notes", "hello")],
            &Options::default(),
        );
        assert_eq!(r.filters.len(), 1);
        assert_eq!(r.files_scanned, 1);
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(r.skipped[0].path, "notes");
        let big = |head: &str| SourceFile {
            path: "big.json".into(),
            bytes: format!("{head}{}", " ".repeat(MAX_FILE_BYTES)).into_bytes(),
        };
        let r = lint(&[big("{\"name\": \"x\"}")], &Options::default());
        assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
        assert!(r.skipped[0].reason.starts_with("larger than"));
        let r = lint(
            &[big("{\"Type\": \"AWS::Logs::MetricFilter\"}")],
            &Options::default(),
        );
        assert_eq!(codes(&r), vec!["CF0001"]);
        assert!(r.skipped.is_empty());
    }

    #[test]
    fn bom_and_crlf_positions() {
        let y = "\u{feff}Resources:\r\n  F:\r\n    Type: AWS::Logs::MetricFilter\r\n    Properties:\r\n      FilterPattern: '{ $.a = \"x\" && }'\r\n";
        let r = run(&[("t.yaml", y)], &Options::default());
        let d = r.diagnostics.iter().find(|d| d.code == "CF0100").unwrap();
        let loc = d.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (5, 38), "{d:#?}");
        assert_eq!(&y[loc.byte_start..loc.byte_end], "}");
        assert_eq!(loc.source_line, "      FilterPattern: '{ $.a = \"x\" && }'");
    }
}
