//! What extraction finds in a file: metric and subscription filters with
//! their patterns, and alarms (to check that every metric has one).

use std::ops::Range;

use serde::Serialize;

use crate::lint::text::{FileId, FileSpan, Text};

/// A file handed to the linter: a display path and its bytes.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as shown in diagnostics (`/`-separated, relative when the
    /// user gave a relative path).
    pub path: String,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

/// The kind of resource a pattern belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterKind {
    /// `aws_cloudwatch_log_metric_filter` / `AWS::Logs::MetricFilter`.
    MetricFilter,
    /// `aws_cloudwatch_log_subscription_filter` / `AWS::Logs::SubscriptionFilter`.
    SubscriptionFilter,
}

/// The source format of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Terraform native syntax (`.tf`).
    Terraform,
    /// Terraform JSON syntax (`.tf.json`).
    TerraformJson,
    /// CloudFormation or SAM in YAML.
    CloudformationYaml,
    /// CloudFormation or SAM in JSON.
    CloudformationJson,
}

/// A pattern as extraction found it.
#[derive(Clone, Debug)]
pub enum PatternValue {
    /// The string, decoded, with its map to the file.
    Known(Text),
    /// Not statically known, and why (`var.x has no default`).
    Unknown(String),
}

/// How an alarm or a filter names its metric, as far as it is known.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MetricKey {
    /// A literal name (after resolving variables and parameters).
    Literal(String),
    /// An unresolved expression, compared as written (`Ref:MetricNameParam`).
    Symbol(String),
}

/// A metric as a filter publishes it or an alarm watches it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Metric {
    /// Its name.
    pub name: MetricKey,
    /// Its namespace, when the resource gives one.
    pub namespace: Option<MetricKey>,
}

impl Metric {
    /// Whether the namespaces of two metrics can be the same: only two
    /// different literals are known to differ. An expression not resolved
    /// statically may have any value, and a namespace not given (which
    /// CloudFormation and Terraform both require) leaves the template
    /// incomplete; neither is taken to differ.
    pub fn same_namespace(&self, other: &Metric) -> bool {
        match (&self.namespace, &other.namespace) {
            (Some(MetricKey::Literal(a)), Some(MetricKey::Literal(b))) => a == b,
            _ => true,
        }
    }
}

/// One metric or subscription filter (one instance of a `for_each`, one
/// branch of a conditional).
#[derive(Clone, Debug)]
pub struct Filter {
    /// Metric or subscription filter.
    pub kind: FilterKind,
    /// File format.
    pub format: Format,
    /// The file the resource is declared in.
    pub file: FileId,
    /// Its address: `aws_cloudwatch_log_metric_filter.root`,
    /// `aws_cloudwatch_log_metric_filter.this["RootUsage"]`, or the
    /// CloudFormation logical id.
    pub resource: String,
    /// The whole resource, for suppression comments.
    pub extent: Range<usize>,
    /// Where the pattern value is written (the expression or scalar); for
    /// an unknown value, the expression that could not be resolved.
    pub anchor: FileSpan,
    /// The pattern.
    pub pattern: PatternValue,
    /// Which alternative of a conditional this is, if any
    /// (`when var.x is false`).
    pub variant: Option<String>,
    /// Names that may say which CIS control the filter is for: filter
    /// name, metric name, resource label, `for_each` key.
    pub names: Vec<String>,
    /// The metric this filter publishes to (metric filters only).
    pub metric: Option<Metric>,
    /// Rule codes disabled for this resource by its own metadata.
    pub disabled: Vec<String>,
    /// The log group the filter is on (`log_group_name`, `LogGroupName`);
    /// `None` when the resource does not say.
    pub log_group: Option<Setting>,
    /// The filter's name (`name`, `FilterName`); `None` when the resource
    /// does not say (CloudFormation then makes one up).
    pub filter_name: Option<Setting>,
}

/// A setting of a resource (a name, a number, a list of ARNs) as far as
/// extraction can tell without running Terraform or CloudFormation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting<T = String> {
    /// The value, resolved statically.
    Known(T),
    /// Not statically known: the expression as written
    /// (`var.log_group`, `Ref:LogGroup`).
    Unknown(String),
}

impl<T> Setting<T> {
    /// The value, when known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Setting::Known(v) => Some(v),
            Setting::Unknown(_) => None,
        }
    }
}

/// An alarm: the metric it watches, and what drift compares.
#[derive(Clone, Debug)]
pub struct Alarm {
    /// The metrics it watches (one, or several in metric math).
    pub metrics: Vec<Metric>,
    /// Filter resources the alarm's metric expression refers to
    /// (`aws_cloudwatch_log_metric_filter.this`).
    pub refers_to: Vec<String>,
    /// What drift compares, per instance of the resource (one, or one per
    /// `count` index or `for_each` key).
    pub instances: Vec<AlarmDetail>,
}

/// The settings of one alarm that drift compares with the account. Each is
/// `None` when the resource does not set it.
#[derive(Clone, Debug)]
pub struct AlarmDetail {
    /// The file the resource is declared in.
    pub file: FileId,
    /// Its address (`aws_cloudwatch_metric_alarm.root`) or logical id.
    pub resource: String,
    /// Where the resource's name is written (its label or logical id).
    pub anchor: FileSpan,
    /// The metric it watches (`metric_name` and `namespace` at the top
    /// level; `None` for metric math).
    pub metric: Option<Metric>,
    /// `alarm_name` / `AlarmName`.
    pub name: Option<Setting>,
    /// `threshold` / `Threshold`, as written (`1`, `1.0`).
    pub threshold: Option<Setting>,
    /// `comparison_operator` / `ComparisonOperator`.
    pub comparison: Option<Setting>,
    /// `period` / `Period`, in seconds.
    pub period: Option<Setting>,
    /// `evaluation_periods` / `EvaluationPeriods`.
    pub evaluation_periods: Option<Setting>,
    /// `statistic` / `Statistic`.
    pub statistic: Option<Setting>,
    /// `alarm_actions` / `AlarmActions`.
    pub actions: Option<Setting<Vec<String>>>,
}

impl AlarmDetail {
    /// The settings of a Terraform `aws_cloudwatch_metric_alarm` (native or
    /// JSON syntax), each read by `get` from the attribute of that name.
    pub fn terraform(
        file: FileId,
        resource: String,
        anchor: FileSpan,
        metric: Option<Metric>,
        actions: Option<Setting<Vec<String>>>,
        get: impl Fn(&str) -> Option<Setting>,
    ) -> AlarmDetail {
        AlarmDetail {
            file,
            resource,
            anchor,
            metric,
            name: get("alarm_name"),
            threshold: get("threshold"),
            comparison: get("comparison_operator"),
            period: get("period"),
            evaluation_periods: get("evaluation_periods"),
            statistic: get("statistic"),
            actions,
        }
    }
}

/// A problem with a file itself (not with a pattern in it).
#[derive(Clone, Debug)]
pub struct FileProblem {
    /// The file.
    pub file: FileId,
    /// Where in it (empty range: a position).
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
}

/// What extraction found in one unit (a Terraform module directory or a
/// CloudFormation template).
#[derive(Clone, Debug, Default)]
pub struct Unit {
    /// The filters.
    pub filters: Vec<Filter>,
    /// The alarms.
    pub alarms: Vec<Alarm>,
    /// Problems with files of the unit.
    pub problems: Vec<FileProblem>,
    /// Codes disabled for a whole file by template metadata.
    pub file_disabled: Vec<(FileId, String)>,
}
