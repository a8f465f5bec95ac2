//! Lint CloudWatch Logs filter patterns where they are written: Terraform
//! (`.tf`, `.tf.json`) and CloudFormation/SAM (YAML, JSON).
//!
//! [`lint`] takes files (paths and bytes: this module does no I/O) and
//! returns a [`Report`]: every filter found, with its CIS verdict, and
//! diagnostics that point at the byte of the file where the problem is,
//! mapped back through string escapes, heredoc indentation and YAML
//! folding. Rules and their codes are in [`rules`]; output formats in
//! `report::lint`. The user documentation is `docs/lint.md`.
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

mod alternatives;
pub mod cfn;
mod check;
mod extract;
mod intent;
mod load;
pub mod model;
mod require;
pub mod rules;
mod suppress;
pub mod terraform;
pub mod text;
pub mod yaml;

use serde::Serialize;

use crate::cis::verdict::{MatchMode, Verdict};
use crate::cis::{self, Benchmark};

pub use intent::{MatchedBy, control_from_name};
pub use load::{FileKind, file_kind, sniff_kind};
pub use model::SourceFile;
use model::{FilterKind, Format};
pub use rules::{Level, Rule};

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
    pub matched_by: Option<MatchedBy>,
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

    /// Whether the run fails: any error, or any warning when `deny_warnings`.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level == Level::Error || (deny_warnings && d.level == Level::Warning))
    }
}

/// Directory names skipped while walking unless named on the command line.
pub const SKIPPED_DIRS: &[&str] = &[".terraform", "cdk.out", ".git"];

/// Lint `files`: load → extract → check → require → suppress, each stage
/// in its own module.
pub fn lint(files: &[SourceFile], opts: &Options) -> Report {
    let loaded = load::load(files);
    let units = extract::units(&loaded.files, &loaded.kinds, opts.limits);
    let checked = check::check(&units, &loaded.files, opts);
    let mut diags = loaded.diagnostics;
    diags.extend(checked.diagnostics);
    let required = require::required(&units, &checked.passing, opts, &mut diags);
    let (diagnostics, suppressed) = suppress::suppress(
        diags,
        &suppress::Switches {
            opts,
            directives: &loaded.directives,
            file_disabled: &checked.file_disabled,
            loaded: &loaded.files,
            files,
        },
    );
    Report {
        benchmark: opts.benchmark.name,
        mode: opts.mode,
        files_scanned: files.len() - loaded.skipped.len(),
        filters: checked.filters,
        diagnostics,
        required,
        suppressed,
        skipped: loaded.skipped,
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
