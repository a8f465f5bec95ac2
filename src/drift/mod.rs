//! Drift between infrastructure code and an account: the metric filters and
//! alarms that Terraform and CloudFormation files declare (as the linter
//! extracts them) paired with the ones deployed (from a snapshot), and how
//! each pair differs. The user documentation is `docs/drift.md`.
//!
//! Pairs are made by the log group and filter name (alarms: the alarm
//! name), falling back to the metric name and namespace. A pair is `same`
//! (the same pattern text and settings), `rewritten` (the same meaning: the
//! patterns' normal forms are equal), `different` (a known value differs:
//! the term diff and the semantic relation say how), `unknown` (a value the
//! code leaves unknown, or account data that could not be read, decides
//! it), `only_in_code` or `only_in_account`.

mod compare;
mod pair;
mod render;

use serde::Serialize;

use crate::cis::verdict::Difference;
use crate::lint::model::{MetricKey, Setting};
use crate::lint::{Extraction, Location};
use crate::semantics::Relation;
use crate::snapshot::{MetricAlarm, MetricFilter, Snapshot};

pub use render::{human, json, sarif};

/// What to compare.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only these regions of the snapshot (all when empty).
    pub regions: Vec<String>,
    /// Report every deployed filter and alarm the code does not declare,
    /// not only those on the log groups (and metrics) the code names.
    pub all: bool,
}

/// How a pair compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The same text and settings.
    Same,
    /// The same meaning, written differently (equal normal forms).
    Rewritten,
    /// Not decided: the code leaves a value unknown, or the account's data
    /// could not be read.
    Unknown,
    /// A known value differs.
    Different,
    /// Declared in the code, not deployed.
    OnlyInCode,
    /// Deployed, not declared in the code.
    OnlyInAccount,
}

impl Status {
    /// `same`, `rewritten`, `unknown`, `different`, `only_in_code` or
    /// `only_in_account`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Rewritten => "rewritten",
            Status::Unknown => "unknown",
            Status::Different => "different",
            Status::OnlyInCode => "only_in_code",
            Status::OnlyInAccount => "only_in_account",
        }
    }

    /// Whether this is drift (exit code 1).
    pub fn is_drift(self) -> bool {
        matches!(
            self,
            Status::Different | Status::OnlyInCode | Status::OnlyInAccount
        )
    }
}

/// A value as the code gives it: the value, or the expression that could
/// not be resolved (`{"unknown": "var.name"}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CodeValue {
    /// Known statically.
    Known(String),
    /// Not known statically: the expression, or why.
    Unknown {
        /// The expression as written, or why the value is not known.
        unknown: String,
    },
}

impl CodeValue {
    fn of(s: &Setting) -> CodeValue {
        match s {
            Setting::Known(v) => CodeValue::Known(v.clone()),
            Setting::Unknown(e) => CodeValue::Unknown { unknown: e.clone() },
        }
    }

    fn of_key(k: &MetricKey) -> CodeValue {
        match k {
            MetricKey::Literal(v) => CodeValue::Known(v.clone()),
            MetricKey::Symbol(e) => CodeValue::Unknown { unknown: e.clone() },
        }
    }

    /// The value, when known.
    pub fn known(&self) -> Option<&str> {
        match self {
            CodeValue::Known(v) => Some(v),
            CodeValue::Unknown { .. } => None,
        }
    }

    /// As shown to people: the value, or `<unknown: EXPR>`.
    pub fn shown(&self) -> String {
        match self {
            CodeValue::Known(v) => v.clone(),
            CodeValue::Unknown { unknown } => format!("<unknown: {unknown}>"),
        }
    }
}

/// Where something is written in the code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Where it ends: line.
    pub end_line: usize,
    /// Where it ends: column.
    pub end_column: usize,
    #[serde(skip)]
    bytes: (usize, usize),
}

impl Place {
    fn of(l: &Location) -> Place {
        Place {
            path: l.path.clone(),
            line: l.line,
            column: l.column,
            end_line: l.end_line,
            end_column: l.end_column,
            bytes: (l.byte_start, l.byte_end),
        }
    }

    /// The byte range in the file.
    pub fn bytes(&self) -> (usize, usize) {
        self.bytes
    }
}

/// A metric filter as the code declares it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeFilter {
    /// The resource address or logical id.
    pub resource: String,
    /// The branch of a conditional, if any.
    pub variant: Option<String>,
    /// Where the pattern is written.
    pub location: Place,
    /// The log group name.
    pub log_group_name: Option<CodeValue>,
    /// The filter name.
    pub filter_name: Option<CodeValue>,
    /// The pattern.
    pub pattern: CodeValue,
    /// The metric it publishes.
    pub metric_name: Option<CodeValue>,
    /// The metric's namespace.
    pub metric_namespace: Option<CodeValue>,
}

/// A metric filter as deployed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountFilter {
    /// The region.
    pub region: String,
    /// The log group name.
    pub log_group_name: String,
    /// The filter name.
    pub filter_name: String,
    /// The pattern, verbatim.
    pub pattern: String,
    /// The metric it publishes (the first transformation).
    pub metric_name: Option<String>,
    /// The metric's namespace.
    pub metric_namespace: Option<String>,
}

/// A setting that differs: what the code says and what is deployed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldDiff {
    /// The field (`pattern`, `metric_name`, `threshold`, …).
    pub field: &'static str,
    /// The code's value.
    pub code: String,
    /// The account's value (`None`: not set).
    pub account: Option<String>,
}

/// A code filter and a deployed filter, paired, or one of them alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FilterPair {
    /// How they compare.
    pub status: Status,
    /// How the pair was made: `name` (log group and filter name) or
    /// `metric` (metric name and namespace); `None` for one side alone.
    pub paired_by: Option<&'static str>,
    /// The code's side.
    pub code: Option<CodeFilter>,
    /// The account's side.
    pub account: Option<AccountFilter>,
    /// Settings with different known values.
    pub differences: Vec<FieldDiff>,
    /// Term-level differences of the deployed pattern from the code's:
    /// `missing` is a condition the code declares and the account lacks,
    /// `extra` one the account has and the code does not.
    pub pattern_diff: Vec<Difference>,
    /// What the deployed pattern matches, relative to the code's
    /// (`broader`: more events), when the patterns differ.
    pub relation: Option<Relation>,
    /// Why the pair is `unknown`.
    pub reason: Option<String>,
}

/// An alarm as the code declares it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeAlarm {
    /// The resource address or logical id.
    pub resource: String,
    /// Where the resource is declared.
    pub location: Place,
    /// The alarm name.
    pub alarm_name: Option<CodeValue>,
    /// The metric watched.
    pub metric_name: Option<CodeValue>,
    /// Its namespace.
    pub namespace: Option<CodeValue>,
    /// The threshold.
    pub threshold: Option<CodeValue>,
    /// The comparison operator.
    pub comparison_operator: Option<CodeValue>,
    /// The period in seconds.
    pub period: Option<CodeValue>,
    /// The number of periods.
    pub evaluation_periods: Option<CodeValue>,
    /// The statistic.
    pub statistic: Option<CodeValue>,
    /// The actions on ALARM: the ARNs, or the expression.
    pub alarm_actions: Option<CodeList>,
}

/// A list as the code gives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CodeList {
    /// Every item known.
    Known(Vec<String>),
    /// Not known statically.
    Unknown {
        /// The expression as written.
        unknown: String,
    },
}

/// An alarm as deployed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountAlarm {
    /// The region.
    pub region: String,
    /// The alarm name.
    pub alarm_name: String,
    /// The metric watched.
    pub metric_name: Option<String>,
    /// Its namespace.
    pub namespace: Option<String>,
    /// The threshold.
    pub threshold: Option<f64>,
    /// The comparison operator.
    pub comparison_operator: Option<String>,
    /// The period in seconds.
    pub period: Option<i64>,
    /// The number of periods.
    pub evaluation_periods: Option<i64>,
    /// The statistic.
    pub statistic: Option<String>,
    /// The actions on ALARM.
    pub alarm_actions: Vec<String>,
}

/// A code alarm and a deployed alarm, paired, or one of them alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlarmPair {
    /// How they compare (never `rewritten`).
    pub status: Status,
    /// `name` (alarm name) or `metric` (metric name and namespace).
    pub paired_by: Option<&'static str>,
    /// The code's side.
    pub code: Option<CodeAlarm>,
    /// The account's side.
    pub account: Option<AccountAlarm>,
    /// Settings with different known values.
    pub differences: Vec<FieldDiff>,
    /// Why the pair is `unknown`.
    pub reason: Option<String>,
}

/// How many pairs of each status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `same` pairs.
    pub same: usize,
    /// `rewritten` pairs.
    pub rewritten: usize,
    /// `different` pairs.
    pub different: usize,
    /// `unknown` pairs.
    pub unknown: usize,
    /// `only_in_code`.
    pub only_in_code: usize,
    /// `only_in_account`.
    pub only_in_account: usize,
}

impl Summary {
    fn add(&mut self, s: Status) {
        let n = match s {
            Status::Same => &mut self.same,
            Status::Rewritten => &mut self.rewritten,
            Status::Different => &mut self.different,
            Status::Unknown => &mut self.unknown,
            Status::OnlyInCode => &mut self.only_in_code,
            Status::OnlyInAccount => &mut self.only_in_account,
        };
        *n += 1;
    }

    /// Pairs that are drift.
    pub fn drift(&self) -> usize {
        self.different + self.only_in_code + self.only_in_account
    }
}

/// The version of the JSON output (`docs/drift.md`).
pub const JSON_VERSION: u32 = 1;

/// The result of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The version of this format ([`JSON_VERSION`]).
    pub version: u32,
    /// The account compared with.
    pub account_id: String,
    /// The regions of the account looked at.
    pub regions: Vec<String>,
    /// `code` (deployed filters on the code's log groups, alarms on their
    /// metrics) or `all` (every deployed filter and alarm).
    pub scope: &'static str,
    /// Metric filters.
    pub filters: Vec<FilterPair>,
    /// Alarms.
    pub alarms: Vec<AlarmPair>,
    /// Filters and alarms together.
    pub summary: Summary,
    /// Account data that could not be read (pairs it affects are `unknown`).
    pub unreadable: Vec<String>,
}

impl Report {
    /// Whether anything drifted.
    pub fn has_drift(&self) -> bool {
        self.summary.drift() > 0
    }
}

/// Compare what `code` declares with what `snapshot` holds.
pub fn drift(code: &Extraction<'_>, snapshot: &Snapshot, opts: &Options) -> Report {
    let regions: Vec<&crate::snapshot::Region> = snapshot
        .regions
        .iter()
        .filter(|r| opts.regions.is_empty() || opts.regions.contains(&r.region))
        .collect();
    let deployed = Deployed::read(&regions);
    let groups = pair::filter_groups(code);
    let filters = pair::filters(code, &groups, &deployed, opts);
    let alarms = pair::alarms(code, &groups, &filters, &deployed, opts);
    let mut summary = Summary::default();
    for s in filters
        .iter()
        .map(|p| p.status)
        .chain(alarms.iter().map(|p| p.status))
    {
        summary.add(s);
    }
    Report {
        version: JSON_VERSION,
        account_id: snapshot.account_id.clone(),
        regions: regions.iter().map(|r| r.region.clone()).collect(),
        scope: if opts.all { "all" } else { "code" },
        filters,
        alarms,
        summary,
        unreadable: deployed.unreadable(),
    }
}

/// The metric filters and alarms deployed in the regions compared, each
/// with its region, and what could not be read.
struct Deployed<'s> {
    filters: Vec<(&'s str, &'s MetricFilter)>,
    alarms: Vec<(&'s str, &'s MetricAlarm)>,
    filters_unread: Vec<String>,
    alarms_unread: Vec<String>,
}

impl<'s> Deployed<'s> {
    fn read(regions: &[&'s crate::snapshot::Region]) -> Self {
        let mut d = Deployed {
            filters: Vec::new(),
            alarms: Vec::new(),
            filters_unread: Vec::new(),
            alarms_unread: Vec::new(),
        };
        for r in regions {
            match r.metric_filters.get() {
                Ok(v) => d.filters.extend(v.iter().map(|f| (r.region.as_str(), f))),
                Err(e) => d.filters_unread.push(e.to_string()),
            }
            match r.alarms.get() {
                Ok(v) => d.alarms.extend(v.iter().map(|a| (r.region.as_str(), a))),
                Err(e) => d.alarms_unread.push(e.to_string()),
            }
        }
        d
    }

    fn unreadable(&self) -> Vec<String> {
        self.filters_unread
            .iter()
            .chain(&self.alarms_unread)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{self, SourceFile};

    /// A snapshot of one region holding these metric filters and alarms
    /// (JSON, as `docs/snapshot.md` describes them).
    fn snapshot(filters: serde_json::Value, alarms: serde_json::Value) -> Snapshot {
        let empty = serde_json::json!({"ok": []});
        let err = serde_json::json!({"error": {"service": "iam", "operation": "X",
            "code": "AccessDenied", "message": "not read"}});
        let s = serde_json::json!({
            "schema": 3, "account_id": "111122223333", "partition": "aws",
            "taken_at": "2026-11-20T09:30:00Z",
            "regions": [{"region": "us-east-1", "trails": empty, "log_groups": empty,
                "metric_filters": {"ok": filters}, "alarms": {"ok": alarms},
                "topics": empty, "config_recorders": empty, "config_recorder_statuses": empty,
                "delivery_channels": empty, "kms_keys": empty, "vpcs": empty,
                "flow_logs": empty, "security_groups": empty}],
            "iam": {"credential_report": err, "password_policy": err, "account_summary": err,
                "virtual_mfa_devices": err, "users": err, "policies": err, "support_access": err},
            "s3": {"account_public_access_block": {"ok": null}, "buckets": []}
        });
        Snapshot::from_json(&s.to_string()).unwrap()
    }

    fn filter(name: &str, group: &str, pattern: &str, metric: &str) -> serde_json::Value {
        serde_json::json!({"filter_name": name, "log_group_name": group,
            "filter_pattern": pattern, "metric_transformations": [{"metric_name": metric,
            "metric_namespace": "CIS", "metric_value": "1"}]})
    }

    fn alarm(name: &str, metric: &str, threshold: f64) -> serde_json::Value {
        serde_json::json!({"alarm_name": name, "alarm_arn": format!("arn:aws:cloudwatch:us-east-1:111122223333:alarm:{name}"),
            "metric_name": metric, "namespace": "CIS", "threshold": threshold, "alarm_actions": []})
    }

    fn run(path: &str, text: &str, snap: &Snapshot) -> Report {
        let files = [SourceFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }];
        let e = lint::extract(&files, &lint::Options::default());
        drift(&e, snap, &Options::default())
    }

    /// `for_each` alarms give one alarm per key, each paired by its name;
    /// the branches of a conditional pattern are one filter, whose best
    /// branch decides.
    #[test]
    fn instances_and_branches() {
        let tf = r#"
variable "strict" { default = true }
locals { alarms = { A = "MetricA", B = "MetricB" } }
resource "aws_cloudwatch_log_metric_filter" "f" {
  name           = "F"
  log_group_name = "trail"
  pattern        = var.strict ? "{ $.a = 1 && $.b = 2 }" : "{ $.a = 1 }"
  metric_transformation {
    name      = "MetricA"
    namespace = "CIS"
    value     = "1"
  }
}
resource "aws_cloudwatch_metric_alarm" "a" {
  for_each    = local.alarms
  alarm_name  = "alarm-${each.key}"
  metric_name = each.value
  namespace   = "CIS"
  threshold   = 1
}
"#;
        let snap = snapshot(
            serde_json::json!([filter("F", "trail", "{ $.a = 1 }", "MetricA")]),
            serde_json::json!([
                alarm("alarm-A", "MetricA", 1.0),
                alarm("alarm-B", "MetricB", 2.0)
            ]),
        );
        let r = run("main.tf", tf, &snap);
        let [f] = r.filters.as_slice() else {
            panic!("{:#?}", r.filters)
        };
        assert_eq!(f.status, Status::Same);
        assert_eq!(
            f.code.as_ref().and_then(|c| c.variant.as_deref()),
            Some("when `var.strict` is false")
        );
        let statuses: Vec<(&str, Status)> = r
            .alarms
            .iter()
            .map(|p| {
                (
                    p.code.as_ref().map_or("", |c| c.resource.as_str()),
                    p.status,
                )
            })
            .collect();
        assert_eq!(
            statuses,
            [
                (r#"aws_cloudwatch_metric_alarm.a["A"]"#, Status::Same),
                (r#"aws_cloudwatch_metric_alarm.a["B"]"#, Status::Different),
            ]
        );
    }

    /// A known difference decides even when another value is unknown; an
    /// unknown value alone gives `unknown`.
    #[test]
    fn known_differences_decide_unknown_values_do_not() {
        let cfn = r#"
Parameters:
  Pattern: {Type: String}
Resources:
  F:
    Type: AWS::Logs::MetricFilter
    Properties:
      FilterName: F
      LogGroupName: trail
      FilterPattern: !Ref Pattern
      MetricTransformations: [{MetricName: MetricA, MetricNamespace: Other, MetricValue: "1"}]
  G:
    Type: AWS::Logs::MetricFilter
    Properties:
      FilterName: G
      LogGroupName: trail
      FilterPattern: !Ref Pattern
      MetricTransformations: [{MetricName: MetricG, MetricNamespace: CIS, MetricValue: "1"}]
"#;
        let snap = snapshot(
            serde_json::json!([
                filter("F", "trail", "{ $.a = 1 }", "MetricA"),
                filter("G", "trail", "{ $.g = 1 }", "MetricG")
            ]),
            serde_json::json!([]),
        );
        let r = run("cis.yaml", cfn, &snap);
        let by = |name: &str| {
            r.filters
                .iter()
                .find(|p| p.code.as_ref().is_some_and(|c| c.resource == name))
                .unwrap()
        };
        assert_eq!(by("F").status, Status::Different);
        assert_eq!(by("F").differences.len(), 1);
        assert_eq!(by("G").status, Status::Unknown);
        assert!(by("G").reason.as_deref().unwrap().contains("Pattern"));
    }

    /// Terraform JSON records the log group and filter name too.
    #[test]
    fn terraform_json_filters_are_paired_by_name() {
        let j = r#"{"resource": {"aws_cloudwatch_log_metric_filter": {"x": {"name": "F",
            "log_group_name": "trail", "pattern": "{ $.a = 2 }",
            "metric_transformation": {"name": "M", "namespace": "CIS", "value": "1"}}}}}"#;
        let snap = snapshot(
            serde_json::json!([filter("F", "trail", "{ $.a = 1 }", "M")]),
            serde_json::json!([]),
        );
        let r = run("main.tf.json", j, &snap);
        let [p] = r.filters.as_slice() else {
            panic!("{:#?}", r.filters)
        };
        assert_eq!((p.status, p.paired_by), (Status::Different, Some("name")));
        assert_eq!(p.relation, Some(Relation::Disjoint));
        assert_eq!(p.pattern_diff.len(), 1);
        assert!(r.has_drift());
    }
}
