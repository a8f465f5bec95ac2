//! AWS Config: configuration recorders, their status, delivery channels.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Timestamp;

/// An AWS Config configuration recorder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigRecorder {
    /// The recorder name.
    pub name: String,
    /// The role the recorder uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// What the recorder records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_group: Option<RecordingGroup>,
}

/// What a configuration recorder records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordingGroup {
    /// Every supported resource type.
    #[serde(default)]
    pub all_supported: bool,
    /// Global resource types (IAM) too.
    #[serde(default)]
    pub include_global_resource_types: bool,
    /// An explicit list of resource types.
    #[serde(default)]
    pub resource_types: Vec<String>,
    /// `ALL_SUPPORTED_RESOURCE_TYPES`, `EXCLUSION_BY_RESOURCE_TYPES` or
    /// `INCLUSION_BY_RESOURCE_TYPES`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_strategy: Option<String>,
}

/// A configuration recorder's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigRecorderStatus {
    /// The recorder name.
    pub name: String,
    /// Whether the recorder is recording.
    pub recording: bool,
    /// `Pending`, `Success` or `Failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
    /// The last error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<String>,
    /// The last error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_message: Option<String>,
    /// When the status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status_change_time: Option<Timestamp>,
}

/// An AWS Config delivery channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryChannel {
    /// The channel name.
    pub name: String,
    /// The bucket receiving configuration snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    /// The key prefix in the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
    /// The topic receiving notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic_arn: Option<String>,
}
