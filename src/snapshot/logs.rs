//! CloudWatch Logs: log groups and metric filters.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A CloudWatch Logs log group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    /// The log group name.
    pub log_group_name: String,
    /// The log group ARN without the trailing `:*`.
    pub arn: String,
    /// Retention in days; absent means never expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<i64>,
    /// The KMS key encrypting the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

/// A CloudWatch Logs metric filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricFilter {
    /// The filter name.
    pub filter_name: String,
    /// The log group the filter belongs to (name, in this region).
    pub log_group_name: String,
    /// The filter pattern, verbatim (empty matches every event).
    #[serde(default)]
    pub filter_pattern: String,
    /// The metrics the filter publishes.
    pub metric_transformations: Vec<MetricTransformation>,
    /// `fieldSelectionCriteria` (schema 3): which accounts and regions a
    /// filter on a central log group counts, over `@aws.account` and
    /// `@aws.region` (see `docs/criteria.md`). Absent: every event counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_selection_criteria: Option<String>,
    /// `emitSystemFieldDimensions` (schema 3): system fields such as
    /// `@aws.account` published as metric dimensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emit_system_field_dimensions: Vec<String>,
    /// `applyOnTransformedLogs` (schema 3): the filter reads the log group's
    /// transformed events instead of the raw ones.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub apply_on_transformed_logs: bool,
}

/// A metric published by a metric filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricTransformation {
    /// The metric name.
    pub metric_name: String,
    /// The metric namespace.
    pub metric_namespace: String,
    /// The value published per matching event, e.g. `1`.
    pub metric_value: String,
    /// The value published when nothing matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<f64>,
    /// The metric unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}
