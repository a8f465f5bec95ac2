//! CloudTrail: trails, their status and event selectors.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Collected, Timestamp};

/// A trail as `DescribeTrails` returns it, with its status and selectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    /// The trail name.
    pub name: String,
    /// The trail ARN (its account is the owner of the trail).
    pub trail_arn: String,
    /// The region the trail was created in.
    pub home_region: String,
    /// Whether the trail records events in every region.
    pub is_multi_region_trail: bool,
    /// Whether this is an AWS Organizations trail.
    #[serde(default)]
    pub is_organization_trail: bool,
    /// Whether global service events (IAM, STS, …) are included.
    #[serde(default)]
    pub include_global_service_events: bool,
    /// The S3 bucket receiving the log files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    /// The key prefix inside the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
    /// The CloudWatch Logs log group ARN receiving the events
    /// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// The role CloudTrail assumes to write to CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_role_arn: Option<String>,
    /// The KMS key encrypting the log files (ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Whether log file integrity validation is on.
    pub log_file_validation_enabled: bool,
    /// `GetTrailStatus`.
    pub status: Collected<TrailStatus>,
    /// `GetEventSelectors`.
    pub event_selectors: Collected<EventSelectors>,
}

/// `GetTrailStatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrailStatus {
    /// Whether the trail is currently logging.
    pub is_logging: bool,
    /// The last time CloudTrail delivered events to CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloud_watch_logs_delivery_time: Option<Timestamp>,
    /// The last CloudWatch Logs delivery error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloud_watch_logs_delivery_error: Option<String>,
    /// The last time a log file was delivered to S3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_time: Option<Timestamp>,
    /// The last S3 delivery error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_error: Option<String>,
    /// When logging was last started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_logging_time: Option<Timestamp>,
    /// When logging was last stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_logging_time: Option<Timestamp>,
}

/// `GetEventSelectors`: basic or advanced selectors (a trail uses one kind).
/// Both empty means the trail has never been given selectors, and CloudTrail
/// then records all management events (its default).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventSelectors {
    /// Basic event selectors.
    #[serde(default)]
    pub event_selectors: Vec<EventSelector>,
    /// Advanced event selectors.
    #[serde(default)]
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

/// A basic event selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    /// Whether management events are recorded.
    pub include_management_events: bool,
    /// Event sources whose management events are not recorded
    /// (e.g. `kms.amazonaws.com`).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
    /// Data event resources.
    #[serde(default)]
    pub data_resources: Vec<DataResource>,
}

/// A data event resource of a basic selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataResource {
    /// The resource type, e.g. `AWS::S3::Object`.
    #[serde(rename = "type")]
    pub kind: String,
    /// ARN prefixes.
    #[serde(default)]
    pub values: Vec<String>,
}

/// An advanced event selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvancedEventSelector {
    /// The selector's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The field conditions, all of which must hold.
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

/// One condition of an advanced event selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvancedFieldSelector {
    /// The field: `eventCategory`, `readOnly`, `eventSource`, …
    pub field: String,
    /// Values the field equals (any of).
    #[serde(default)]
    pub equals: Vec<String>,
    /// Prefixes the field starts with (any of).
    #[serde(default)]
    pub starts_with: Vec<String>,
    /// Suffixes the field ends with (any of).
    #[serde(default)]
    pub ends_with: Vec<String>,
    /// Values the field does not equal (all of).
    #[serde(default)]
    pub not_equals: Vec<String>,
    /// Prefixes the field does not start with (all of).
    #[serde(default)]
    pub not_starts_with: Vec<String>,
    /// Suffixes the field does not end with (all of).
    #[serde(default)]
    pub not_ends_with: Vec<String>,
}
