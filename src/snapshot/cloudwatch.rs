//! CloudWatch: metric alarms.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A CloudWatch metric alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricAlarm {
    /// The alarm name.
    pub alarm_name: String,
    /// The alarm ARN.
    pub alarm_arn: String,
    /// The metric watched (absent for metric-math alarms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// The metric's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The statistic, e.g. `Sum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    /// Whether actions run on state changes; absent (or `null`) when
    /// `DescribeAlarms` did not say, which the checks read as unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions_enabled: Option<bool>,
    /// Actions on entering ALARM (ARNs).
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    /// Actions on entering OK.
    #[serde(default)]
    pub ok_actions: Vec<String>,
    /// Actions on entering INSUFFICIENT_DATA.
    #[serde(default)]
    pub insufficient_data_actions: Vec<String>,
    /// The threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// E.g. `GreaterThanOrEqualToThreshold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison_operator: Option<String>,
    /// The period in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i64>,
    /// The number of periods compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_periods: Option<i64>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_value: Option<String>,
}
